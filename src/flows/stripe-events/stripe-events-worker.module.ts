import { Module } from '@nestjs/common';
import { DonationsModule } from '../../donations/donations.module';
import { DonorsModule } from '../../donors/donors.module';
import { LedgerModule } from '../../ledger/ledger.module';
import { MailModule } from '../../mail/mail.module';
import { PayoutsModule } from '../../payouts/payouts.module';
import { CampaignClosingModule } from '../campaign-closing/campaign-closing.module';
import { PledgesModule } from '../../pledges/pledges.module';
import { ReceiptsModule } from '../../receipts/receipts.module';
import { StripeEventsModule } from '../../stripe/stripe-events.module';
import { BillingEventsHandler } from './billing-events.handler';
import { CheckoutEventsHandler } from './checkout-events.handler';
import { PaymentEventsHandler } from './payment-events.handler';
import { PayoutEventsHandler } from './payout-events.handler';
import { StripeEventsProcessor } from './stripe-events.processor';

/** The worker side of Stripe events: each family's handler over the domain modules. */
@Module({
  imports: [
    StripeEventsModule,
    DonationsModule,
    DonorsModule,
    LedgerModule,
    MailModule,
    PayoutsModule,
    PledgesModule,
    ReceiptsModule,
    CampaignClosingModule,
  ],
  providers: [
    StripeEventsProcessor,
    PaymentEventsHandler,
    BillingEventsHandler,
    CheckoutEventsHandler,
    PayoutEventsHandler,
  ],
})
export class StripeEventsWorkerModule {}
