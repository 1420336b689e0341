import { MetricsService } from '../metrics/metrics.service';

/** The Stripe event types we act on, by family; any other type is stored and ignored. */
export const PAYMENT_EVENTS = new Set([
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'payment_intent.processing',
  'charge.refunded',
  'charge.refund.updated',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'charge.dispute.closed',
]);
export const SUBSCRIPTION_EVENTS = new Set([
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
]);
export const PAYOUT_EVENTS = new Set([
  'payout.paid',
  'payout.failed',
  'payout.canceled',
  'payout.updated',
]);
export const INVOICE_EVENTS = new Set([
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.payment_action_required',
]);

/**
 * Checkout Sessions: the money is counted by the payment and billing events of what the
 * session made; these move the gift's state (an expired session's gift is canceled).
 */
export const CHECKOUT_EVENTS = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
]);

/** Every event type processed (rather than ignored): metrics show each from the start. */
export const HANDLED_EVENT_TYPES: readonly string[] = [
  ...PAYMENT_EVENTS,
  ...SUBSCRIPTION_EVENTS,
  ...INVOICE_EVENTS,
  ...CHECKOUT_EVENTS,
  'setup_intent.succeeded',
  ...PAYOUT_EVENTS,
];

/** Starts the processed-events counter at 0 for every type and outcome, in every process. */
export function startEventSeriesAtZero(metrics: MetricsService): void {
  metrics.startAtZero(metrics.eventsProcessed, {
    type: HANDLED_EVENT_TYPES,
    outcome: ['processed', 'retrying', 'failed'],
  });
}
