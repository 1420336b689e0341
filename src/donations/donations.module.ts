import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { IdempotencyRepository } from '../common/database/idempotency.repository';
import { DonorsRepository } from '../donors/donors.repository';
import { DonationsController } from './donations.controller';
import { DonationsService } from './donations.service';
import { GiftRules } from './gift-rules';
import { PaymentSyncModule } from './payment-sync.module';

/** One-off donations over HTTP. */
@Module({
  imports: [CampaignsModule, PaymentSyncModule],
  controllers: [DonationsController],
  providers: [DonationsService, DonorsRepository, IdempotencyRepository, GiftRules],
  exports: [GiftRules, DonorsRepository, IdempotencyRepository],
})
export class DonationsModule {}
