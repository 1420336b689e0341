import { Module } from '@nestjs/common';
import { CampaignsModule } from '../../campaigns/campaigns.module';
import { DonationsModule } from '../../donations/donations.module';
import { DonorsModule } from '../../donors/donors.module';
import { MailModule } from '../../mail/mail.module';
import { PledgesModule } from '../../pledges/pledges.module';
import { CampaignClosingService } from './campaign-closing.service';

/** Closing a campaign with its pledges: for the close route, its jobs, and the goal's close. */
@Module({
  imports: [CampaignsModule, DonationsModule, DonorsModule, MailModule, PledgesModule],
  providers: [CampaignClosingService],
  exports: [CampaignClosingService],
})
export class CampaignClosingModule {}
