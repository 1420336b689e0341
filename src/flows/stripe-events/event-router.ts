import Stripe from 'stripe';
import {
  CHECKOUT_EVENTS,
  INVOICE_EVENTS,
  PAYMENT_EVENTS,
  PAYOUT_EVENTS,
  SUBSCRIPTION_EVENTS,
} from '../../stripe/event-types';
import { idOf } from '../../stripe/stripe-gateway';

/** What processing an event means for us. */
export type Route =
  | { kind: 'payment'; paymentIntentId: string }
  | { kind: 'subscription'; subscriptionId: string }
  | { kind: 'invoice'; invoiceId: string }
  | { kind: 'setup_intent'; setupIntentId: string }
  | { kind: 'checkout_session'; sessionId: string }
  | { kind: 'payout'; payoutId: string }
  | { kind: 'ignore'; reason: string };

/**
 * Every event comes down to "sync this object from Stripe": the event says what changed,
 * Stripe's current state says how. Payment events sync their PaymentIntent, subscription
 * events their subscription, invoice events their invoice's payments and subscription,
 * Checkout events their session's payment or subscription.
 * Anything else is stored and marked ignored.
 */
export function routeEvent(event: Pick<Stripe.Event, 'type' | 'data'>): Route {
  const object = event.data.object as { object?: string; id?: string; payment_intent?: unknown };
  if (SUBSCRIPTION_EVENTS.has(event.type) && object.id)
    return { kind: 'subscription', subscriptionId: object.id };
  if (INVOICE_EVENTS.has(event.type) && object.id) return { kind: 'invoice', invoiceId: object.id };
  if (CHECKOUT_EVENTS.has(event.type) && object.id)
    return { kind: 'checkout_session', sessionId: object.id };
  if (event.type === 'setup_intent.succeeded' && object.id)
    return { kind: 'setup_intent', setupIntentId: object.id };
  if (PAYOUT_EVENTS.has(event.type) && object.id) return { kind: 'payout', payoutId: object.id };
  if (!PAYMENT_EVENTS.has(event.type))
    return { kind: 'ignore', reason: `unhandled event type ${event.type}` };
  const paymentIntentId =
    object.object === 'payment_intent' ? (object.id ?? null) : idOf(object.payment_intent);
  if (!paymentIntentId) return { kind: 'ignore', reason: `${event.type} without a PaymentIntent` };
  return { kind: 'payment', paymentIntentId };
}
