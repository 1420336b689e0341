import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DonationsModule } from '../donations/donations.module';
import { PaymentSyncModule } from '../donations/payment-sync.module';
import { DonorAuthModule } from '../donor-auth/donor-auth.module';
import { MailModule } from '../mail/mail.module';
import { PledgeEventsService } from './pledge-events.service';
import { PledgeSyncService } from './pledge-sync.service';
import {
  AdminPledgesController,
  DonorPledgesController,
  PledgesController,
} from './pledges.controller';
import { PledgesDataModule } from './pledges-data.module';
import { PledgesService } from './pledges.service';

/** Pledges over HTTP: sites start them, donors and staff manage them. */
@Module({
  imports: [CampaignsModule, DonationsModule, PledgesDataModule, DonorAuthModule],
  controllers: [PledgesController, DonorPledgesController, AdminPledgesController],
  providers: [PledgesService, PledgeSyncService],
})
export class PledgesModule {}

/** The worker side: billing events applied to pledges and installments, donors told. */
@Module({
  imports: [PaymentSyncModule, PledgesDataModule, MailModule],
  providers: [PledgeEventsService, PledgeSyncService],
  exports: [PledgeEventsService],
})
export class PledgeEventsModule {}
