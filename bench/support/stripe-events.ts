/** Stripe-shaped `payment_intent.succeeded` events, signed as Stripe signs them. */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from '../../src/stripe/stripe-gateway';

const stripe = new Stripe('sk_test_bench', { apiVersion: STRIPE_API_VERSION });

function id(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** A payment_intent.succeeded event with a full PaymentIntent, about 2 kB of JSON like Stripe's. */
export function paymentSucceededEvent(amount = 2500): string {
  const created = Math.floor(Date.now() / 1000);
  const pi = id('pi');
  const event = {
    id: id('evt'),
    object: 'event',
    api_version: STRIPE_API_VERSION,
    created,
    data: {
      object: {
        id: pi,
        object: 'payment_intent',
        amount,
        amount_capturable: 0,
        amount_details: { tip: {} },
        amount_received: amount,
        application: null,
        application_fee_amount: null,
        automatic_payment_methods: { allow_redirects: 'always', enabled: true },
        canceled_at: null,
        cancellation_reason: null,
        capture_method: 'automatic_async',
        client_secret: `${pi}_secret_${randomBytes(12).toString('base64url')}`,
        confirmation_method: 'automatic',
        created,
        currency: 'usd',
        customer: null,
        description: 'Donation',
        last_payment_error: null,
        latest_charge: id('ch'),
        livemode: false,
        metadata: { donation_id: '00000000-0000-4000-8000-000000000000', campaign: 'bench' },
        next_action: null,
        on_behalf_of: null,
        payment_method: id('pm'),
        payment_method_configuration_details: null,
        payment_method_options: {
          card: {
            installments: null,
            mandate_options: null,
            network: null,
            request_three_d_secure: 'automatic',
          },
        },
        payment_method_types: ['card'],
        processing: null,
        receipt_email: null,
        review: null,
        setup_future_usage: null,
        shipping: null,
        source: null,
        statement_descriptor: null,
        statement_descriptor_suffix: null,
        status: 'succeeded',
        transfer_data: null,
        transfer_group: null,
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: id('req'), idempotency_key: randomBytes(16).toString('hex') },
    type: 'payment_intent.succeeded',
  };
  return JSON.stringify(event, null, 2);
}

export function signatureFor(payload: string, secret: string): string {
  return stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    timestamp: Math.floor(Date.now() / 1000),
  });
}
