/**
 * The control API over HTTP, for a stand-in running in another process (the offline demo,
 * `node dist/test/support/stripe-stand-in/main.js`). Same methods as the in-process
 * StripeStandIn returned by startStripeStandIn.
 */
import type { StripeErrorBody } from './errors';
import type { StripeStandInControl } from './control';
import type { DeliveryAttempt, StandInEventRecord } from './webhooks';

export class StandInControlError extends Error {
  constructor(
    readonly status: number,
    readonly error: StripeErrorBody,
  ) {
    super(error.message);
    this.name = 'StandInControlError';
  }
}

export function connectStripeStandIn(baseUrl: string): StripeStandInControl {
  const root = baseUrl.replace(/\/$/, '');
  const id = (value: string) => encodeURIComponent(value);

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${root}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as { error?: StripeErrorBody };
    if (!response.ok) {
      throw new StandInControlError(
        response.status,
        json.error ?? { type: 'api_error', message: `HTTP ${response.status}` },
      );
    }
    return json as T;
  }

  const post = <T>(path: string, body: unknown = {}) => call<T>('POST', path, body);
  const done = async (promise: Promise<unknown>) => {
    await promise;
  };

  return {
    succeedPaymentIntent: (pi, body) => post(`/_stand-in/payment_intents/${id(pi)}/succeed`, body),
    failPaymentIntent: (pi, body) => post(`/_stand-in/payment_intents/${id(pi)}/fail`, body),
    processPaymentIntent: (pi) => post(`/_stand-in/payment_intents/${id(pi)}/processing`),
    requireActionPaymentIntent: (pi) =>
      post(`/_stand-in/payment_intents/${id(pi)}/requires_action`),
    refundCharge: (charge, body) => post(`/_stand-in/charges/${id(charge)}/refund`, body),
    succeedRefund: (refund) => post(`/_stand-in/refunds/${id(refund)}/succeed`),
    configure: (body) => post('/_stand-in/configure', body),
    injectFaults: (body) => post('/_stand-in/faults', body),
    clearFaults: () => post('/_stand-in/faults/clear'),
    failRefund: (refund, body) => post(`/_stand-in/refunds/${id(refund)}/fail`, body),
    disputeCharge: (charge, body) => post(`/_stand-in/charges/${id(charge)}/dispute`, body),
    closeDispute: (dispute, body) => post(`/_stand-in/disputes/${id(dispute)}/close`, body),
    createPayout: (body) => post('/_stand-in/payouts', body),
    completeCheckoutSession: (session, body) =>
      post(`/_stand-in/checkout/sessions/${id(session)}/complete`, body),
    succeedCheckoutAsyncPayment: (session) =>
      post(`/_stand-in/checkout/sessions/${id(session)}/async_succeed`),
    failCheckoutAsyncPayment: (session) =>
      post(`/_stand-in/checkout/sessions/${id(session)}/async_fail`),
    registerWebhookEndpoint: (body) => post('/_stand-in/webhook_endpoints', body),
    pauseDeliveries: () => done(post('/_stand-in/deliveries/pause')),
    resumeDeliveries: () => done(post('/_stand-in/deliveries/resume')),
    settleDeliveries: (body) => done(post('/_stand-in/deliveries/settle', body)),
    redeliverEvent: async (event) =>
      (await post<{ attempts: DeliveryAttempt[] }>(`/_stand-in/events/${id(event)}/redeliver`))
        .attempts,
    redeliverEvents: async (ids) =>
      (await post<{ attempts: DeliveryAttempt[] }>('/_stand-in/events/redeliver', { ids }))
        .attempts,
    dropEvent: (event) => post(`/_stand-in/events/${id(event)}/drop`),
    events: async () =>
      (await call<{ data: StandInEventRecord[] }>('GET', '/_stand-in/events')).data,
    reset: () => done(post('/_stand-in/reset')),
    advanceClock: (seconds) => post('/_stand-in/clock/advance', { seconds }),
    renewSubscription: (sub, body) => post(`/_stand-in/subscriptions/${id(sub)}/renew`, body),
    giveUpSubscription: (sub, body) => post(`/_stand-in/subscriptions/${id(sub)}/give_up`, body),
    succeedSetupIntent: (seti, body) => post(`/_stand-in/setup_intents/${id(seti)}/succeed`, body),
    failSetupIntent: (seti, body) => post(`/_stand-in/setup_intents/${id(seti)}/fail`, body),
    succeedInvoice: (invoice, body) => post(`/_stand-in/invoices/${id(invoice)}/succeed`, body),
  };
}
