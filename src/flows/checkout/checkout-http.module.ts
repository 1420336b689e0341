import { Module } from '@nestjs/common';
import { CampaignsModule } from '../../campaigns/campaigns.module';
import { DonationsModule } from '../../donations/donations.module';
import { PledgesModule } from '../../pledges/pledges.module';
import { CheckoutSessionsController } from './checkout-sessions.controller';
import { CheckoutSessionsService } from './checkout-sessions.service';

/** Gifts and pledges paid on Stripe's hosted Checkout page, for sites that only want a link. */
@Module({
  imports: [CampaignsModule, DonationsModule, PledgesModule],
  controllers: [CheckoutSessionsController],
  providers: [CheckoutSessionsService],
})
export class CheckoutHttpModule {}
