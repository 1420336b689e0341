import { Injectable } from '@nestjs/common';
import { PayoutsService } from '../../payouts/payouts.service';
import { StripeGateway } from '../../stripe/stripe-gateway';

/** Payout events (payout.*): the payout's current state at Stripe, recorded for finance. */
@Injectable()
export class PayoutEventsHandler {
  constructor(
    private readonly stripe: StripeGateway,
    private readonly payouts: PayoutsService,
  ) {}

  async handle(payoutId: string): Promise<void> {
    await this.payouts.record(await this.stripe.retrievePayout(payoutId));
  }
}
