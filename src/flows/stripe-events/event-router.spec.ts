import Stripe from 'stripe';
import { routeEvent } from './event-router';

const event = (type: string, object: Record<string, unknown>) =>
  ({ type, data: { object } }) as unknown as Pick<Stripe.Event, 'type' | 'data'>;

describe('routeEvent', () => {
  it('syncs the PaymentIntent a payment, charge, refund or dispute event is about', () => {
    expect(
      routeEvent(event('payment_intent.succeeded', { object: 'payment_intent', id: 'pi_1' })),
    ).toEqual({ kind: 'payment', paymentIntentId: 'pi_1' });
    expect(
      routeEvent(
        event('charge.refunded', { object: 'charge', id: 'ch_1', payment_intent: 'pi_2' }),
      ),
    ).toEqual({ kind: 'payment', paymentIntentId: 'pi_2' });
    expect(
      routeEvent(
        event('charge.refund.updated', { object: 'refund', id: 're_1', payment_intent: 'pi_3' }),
      ),
    ).toEqual({ kind: 'payment', paymentIntentId: 'pi_3' });
    expect(
      routeEvent(
        event('charge.dispute.closed', {
          object: 'dispute',
          id: 'du_1',
          payment_intent: { id: 'pi_4' },
        }),
      ),
    ).toEqual({ kind: 'payment', paymentIntentId: 'pi_4' });
  });

  it('syncs the Checkout Session a checkout.session event is about', () => {
    for (const type of [
      'checkout.session.completed',
      'checkout.session.async_payment_succeeded',
      'checkout.session.async_payment_failed',
      'checkout.session.expired',
    ]) {
      expect(routeEvent(event(type, { object: 'checkout.session', id: 'cs_test_1' }))).toEqual({
        kind: 'checkout_session',
        sessionId: 'cs_test_1',
      });
    }
  });

  it('ignores other types and payments without a PaymentIntent', () => {
    expect(routeEvent(event('customer.created', { object: 'customer', id: 'cus_1' }))).toEqual({
      kind: 'ignore',
      reason: 'unhandled event type customer.created',
    });
    expect(
      routeEvent(event('charge.refunded', { object: 'charge', id: 'ch_1', payment_intent: null }))
        .kind,
    ).toBe('ignore');
  });
});
