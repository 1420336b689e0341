import { Injectable, Logger } from '@nestjs/common';
import { DonationsService } from '../../donations/donations.service';
import { PledgesService } from '../../pledges/pledges.service';
import { idOf, StripeGateway } from '../../stripe/stripe-gateway';
import { BillingEventsHandler } from './billing-events.handler';
import { PaymentEventsHandler } from './payment-events.handler';

/** Why a gift started on Checkout was canceled without a payment. */
export const CHECKOUT_EXPIRED = 'checkout_expired';

/**
 * Checkout events (checkout.session.*) for the sessions our gifts are paid through. The money
 * is counted where every gift's is: the PaymentIntent (payment mode) or the first invoice and
 * Subscription (subscription mode) that the session made carry our ids in their metadata, and
 * are synced here by the same handlers as their own events, so whichever arrives first counts
 * and the others add nothing. What only the session knows: it expired unpaid, and its gift
 * (still pending, with no payment) is canceled.
 */
@Injectable()
export class CheckoutEventsHandler {
  private readonly logger = new Logger(CheckoutEventsHandler.name);

  constructor(
    private readonly stripe: StripeGateway,
    private readonly payments: PaymentEventsHandler,
    private readonly billing: BillingEventsHandler,
    private readonly donations: DonationsService,
    private readonly pledges: PledgesService,
  ) {}

  async handle(sessionId: string): Promise<void> {
    const session = await this.stripe.retrieveCheckoutSession(sessionId);
    const ours = session.metadata?.donation_id ?? session.metadata?.pledge_id;
    if (!ours) {
      this.logger.log({ sessionId }, 'a Checkout Session not started by us: ignored');
      return;
    }
    const paymentIntentId = idOf(session.payment_intent);
    if (paymentIntentId) await this.payments.handle(paymentIntentId);
    const invoiceId = idOf(session.invoice);
    const subscriptionId = idOf(session.subscription);
    // The invoice's sync syncs its subscription too.
    if (invoiceId) await this.billing.invoiceEvent('checkout.session', invoiceId);
    else if (subscriptionId) await this.billing.subscriptionChanged(subscriptionId);
    if (session.status !== 'expired') return;
    const canceled =
      session.mode === 'subscription'
        ? await this.pledges.abandonCheckout(session.id, CHECKOUT_EXPIRED)
        : await this.donations.abandonCheckout(session.id, CHECKOUT_EXPIRED);
    if (canceled) this.logger.log({ sessionId }, 'Checkout Session expired: its gift is canceled');
  }
}
