import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import Stripe from 'stripe';
import { Environment } from '../../common/config/environment';
import { JobHandler } from '../../common/queue/job-handler.decorator';
import { JobPayloads } from '../../common/queue/job-catalogue';
import { startSweeper } from '../../common/queue/sweeper';
import { EventInboxService, EventOutcome } from '../../stripe/events/event-inbox.service';
import { BillingEventsHandler } from './billing-events.handler';
import { CheckoutEventsHandler } from './checkout-events.handler';
import { routeEvent } from './event-router';
import { PaymentEventsHandler } from './payment-events.handler';
import { PayoutEventsHandler } from './payout-events.handler';

/**
 * The worker's end of the webhook: each stored Stripe event, once, to the handler of its
 * family (payments, billing, Checkout, payouts). The inbox keeps the once: lock, status and retries.
 */
@Injectable()
export class StripeEventsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StripeEventsProcessor.name);
  private stopSweeper?: () => void;

  constructor(
    private readonly env: Environment,
    private readonly inbox: EventInboxService,
    private readonly payments: PaymentEventsHandler,
    private readonly billing: BillingEventsHandler,
    private readonly payouts: PayoutEventsHandler,
    private readonly checkout: CheckoutEventsHandler,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSweeper = startSweeper(
      'stripe event sweep',
      this.env.SWEEP_INTERVAL_MS,
      () => this.inbox.sweep(),
      this.logger,
    );
  }

  onApplicationShutdown(): void {
    this.stopSweeper?.();
  }

  @JobHandler('stripe-event.process')
  process(payload: JobPayloads['stripe-event.process'], job: Job): Promise<string> {
    return this.inbox.process(payload.eventId, job, (event) => this.dispatch(event));
  }

  private async dispatch(event: Stripe.Event): Promise<EventOutcome> {
    const route = routeEvent(event);
    switch (route.kind) {
      case 'ignore':
        return { ignored: true, reason: route.reason };
      case 'payment':
        await this.payments.handle(route.paymentIntentId);
        break;
      case 'subscription':
        await this.billing.subscriptionChanged(route.subscriptionId);
        break;
      case 'invoice':
        await this.billing.invoiceEvent(event.type, route.invoiceId);
        break;
      case 'checkout_session':
        await this.checkout.handle(route.sessionId);
        break;
      case 'setup_intent':
        await this.billing.setupSucceeded(route.setupIntentId);
        break;
      case 'payout':
        await this.payouts.handle(route.payoutId);
        break;
    }
    return { ignored: false };
  }
}
