import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { IdempotencyRepository } from '../common/database/idempotency.repository';
import { DonorsRepository } from '../donors/donors.repository';
import { ReceiptsCoreModule } from '../receipts/receipts.module';
import { AdminDonationsController } from './admin-donations.controller';
import { DonationsController } from './donations.controller';
import { DonationsService } from './donations.service';
import { GiftRules } from './gift-rules';
import { OfflineGiftsService } from './offline-gifts.service';
import { PaymentSyncModule } from './payment-sync.module';
import { StaffRefund } from './staff-refund.entity';
import { StaffRefundsService } from './staff-refunds.service';

/** One-off donations over HTTP; staff's offline gifts and refunds. */
@Module({
  imports: [
    CampaignsModule,
    PaymentSyncModule,
    ReceiptsCoreModule,
    TypeOrmModule.forFeature([StaffRefund]),
  ],
  controllers: [DonationsController, AdminDonationsController],
  providers: [
    DonationsService,
    DonorsRepository,
    IdempotencyRepository,
    GiftRules,
    OfflineGiftsService,
    StaffRefundsService,
  ],
  exports: [GiftRules, DonorsRepository, IdempotencyRepository],
})
export class DonationsModule {}
