import Stripe from 'stripe';

/** What processing an event means for us. */
export type Route =
  { kind: 'payment'; paymentIntentId: string } | { kind: 'ignore'; reason: string };

const PAYMENT_EVENTS = new Set([
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

function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
    return (value as { id: string }).id;
  }
  return null;
}

/**
 * Every payment-related event comes down to "sync this PaymentIntent from Stripe": the event
 * says which payment changed, Stripe's current state says how. Anything else is stored and
 * marked ignored.
 */
export function routeEvent(event: Pick<Stripe.Event, 'type' | 'data'>): Route {
  if (!PAYMENT_EVENTS.has(event.type))
    return { kind: 'ignore', reason: `unhandled event type ${event.type}` };
  const object = event.data.object as { object?: string; id?: string; payment_intent?: unknown };
  const paymentIntentId =
    object.object === 'payment_intent' ? (object.id ?? null) : idOf(object.payment_intent);
  if (!paymentIntentId) return { kind: 'ignore', reason: `${event.type} without a PaymentIntent` };
  return { kind: 'payment', paymentIntentId };
}
