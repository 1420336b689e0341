/**
 * Control operations: what a test (or the offline demo) can make "Stripe" do that the API
 * cannot: succeed or fail a payment, open and close disputes, pay out, complete Checkout,
 * steer webhook delivery (order, concurrency), inject API faults, move the clock. Each is a method of StripeStandInControl and a
 * `/_stand-in/...` HTTP endpoint taking and returning JSON (snake_case, like Stripe).
 */
import type Stripe from 'stripe';
import { refreshAvailability } from './balance';
import {
  completeCheckoutSession,
  expireDueSessions,
  failAsyncPayment,
  getCheckoutSession,
  succeedAsyncPayment,
} from './checkout-sessions';
import { closeDispute, DISPUTE_REASONS, openDispute } from './disputes';
import { p, Params, Shape, validateParams } from './params';
import {
  failPaymentIntent,
  getPaymentIntent,
  markProcessing,
  requireAction,
  succeedPaymentIntent,
} from './payment-intents';
import { GENERIC_DECLINE } from './payment-methods';
import { createPayout } from './payouts';
import { FAULT_KINDS } from './faults';
import { createRefund, failRefund, succeedRefund } from './refunds';
import { HttpMethod } from './router';
import { NO_REQUEST, StandInState } from './state';
import { failSetupIntent, getSetupIntent, succeedSetupIntent } from './setup-intents';
import { ChargeOutcome, giveUpSubscription, payInvoice, renewSubscription } from './subscriptions';
import { registerEndpoint } from './webhook-endpoints';
import { DeliveryAttempt, DeliveryMode, StandInEventRecord, WebhookDeliverer } from './webhooks';

export const controlShapes = {
  succeedPaymentIntent: {
    amount_received: p.integer(1),
    settlement_currency: p.string(),
    exchange_rate: p.number(),
  },
  failPaymentIntent: { code: p.string(), decline_code: p.string(), message: p.string() },
  refundCharge: {
    amount: p.integer(),
    reason: p.oneOf('duplicate', 'fraudulent', 'requested_by_customer'),
    metadata: p.metadata(),
  },
  failRefund: {
    failure_reason: p.oneOf(
      'charge_for_pending_refund_disputed',
      'declined',
      'expired_or_canceled_card',
      'insufficient_funds',
      'lost_or_stolen_card',
      'merchant_request',
      'unknown',
    ),
  },
  configure: {
    delivery_concurrency: p.integer(1),
    delivery_shuffle: p.boolean(),
    delivery_jitter_ms: p.integer(0),
    delivery_seed: p.integer(0),
    refunds_pending: p.boolean(),
  },
  injectFaults: {
    kind: p.requiredOneOf(...FAULT_KINDS),
    method: p.oneOf('GET', 'POST', 'DELETE'),
    path: p.string(),
    times: p.integer(1),
    status: p.integer(500),
  },
  disputeCharge: { amount: p.integer(), reason: p.oneOf(...DISPUTE_REASONS) },
  closeDispute: { outcome: p.requiredOneOf('won', 'lost') },
  createPayout: { status: p.oneOf('paid', 'failed'), currency: p.string() },
  completeCheckoutSession: { payment_status: p.oneOf('paid', 'unpaid'), email: p.string() },
  registerWebhookEndpoint: {
    url: p.requiredString(),
    secret: p.string(),
    enabled_events: p.stringList(),
    api_version: p.string(),
    description: p.string(),
  },
  redeliverEvents: { ids: p.requiredStringList() },
  settleDeliveries: { timeout_ms: p.integer(0) },
  advanceClock: { seconds: p.requiredInteger(0) },
  renewSubscription: {
    outcome: p.oneOf('succeed', 'fail', 'requires_action'),
    decline_code: p.string(),
  },
  giveUpSubscription: { invoice_action: p.oneOf('mark_uncollectible', 'void') },
  succeedSetupIntent: { payment_method: p.string() },
  failSetupIntent: { code: p.string(), decline_code: p.string(), message: p.string() },
  succeedInvoice: { payment_method: p.string() },
} satisfies Record<string, Shape>;

type Body<K extends keyof typeof controlShapes> = {
  [F in keyof Params<(typeof controlShapes)[K]>]?: Exclude<
    Params<(typeof controlShapes)[K]>[F],
    null
  >;
};

export type SucceedPaymentIntentBody = Body<'succeedPaymentIntent'>;
export type FailPaymentIntentBody = Body<'failPaymentIntent'>;
export type RefundChargeBody = Body<'refundCharge'>;
export type FailRefundBody = Body<'failRefund'>;
export type DisputeChargeBody = Body<'disputeCharge'>;
export type ConfigureBody = Body<'configure'>;
export type InjectFaultsBody = Body<'injectFaults'> & { kind: (typeof FAULT_KINDS)[number] };

/** What configure answers: the settings now in force. */
export interface StandInConfiguration {
  delivery_concurrency: number;
  delivery_shuffle: boolean;
  delivery_jitter_ms: number;
  delivery_seed: number | null;
  refunds_pending: boolean;
}
export type CloseDisputeBody = { outcome: 'won' | 'lost' };
export type CreatePayoutBody = Body<'createPayout'>;
export type CompleteCheckoutSessionBody = Body<'completeCheckoutSession'>;
export type RenewSubscriptionBody = Body<'renewSubscription'>;
export type GiveUpSubscriptionBody = Body<'giveUpSubscription'>;
export type SucceedSetupIntentBody = Body<'succeedSetupIntent'>;
export type FailSetupIntentBody = Body<'failSetupIntent'>;
export type SucceedInvoiceBody = Body<'succeedInvoice'>;

/** What a renewal did: the subscription, and the cycle invoice (null if it was canceled). */
export interface RenewSubscriptionResult {
  subscription: Stripe.Subscription;
  invoice: Stripe.Invoice | null;
}

export type RegisterWebhookEndpointBody = Body<'registerWebhookEndpoint'> & { url: string };

export interface StripeStandInControl {
  /** Confirms (if needed) and succeeds: charge, balance transaction (fee/net), events. */
  succeedPaymentIntent(id: string, body?: SucceedPaymentIntentBody): Promise<Stripe.PaymentIntent>;
  /** Declines: failed charge, `payment_intent.payment_failed`. Default code card_declined. */
  failPaymentIntent(id: string, body?: FailPaymentIntentBody): Promise<Stripe.PaymentIntent>;
  /** Asynchronous payment under way: pending charge, `payment_intent.processing`. */
  processPaymentIntent(id: string): Promise<Stripe.PaymentIntent>;
  /** 3-D Secure: status requires_action with a redirect URL. */
  requireActionPaymentIntent(id: string): Promise<Stripe.PaymentIntent>;
  /** Same as `POST /v1/refunds` with `charge`. */
  refundCharge(chargeId: string, body?: RefundChargeBody): Promise<Stripe.Refund>;
  /** A pending refund settles: `charge.refund.updated`, `refund.updated`. */
  succeedRefund(refundId: string): Promise<Stripe.Refund>;
  /** A refund fails later: `charge.refund.updated`, `refund.updated`, `refund.failed`. */
  failRefund(refundId: string, body?: FailRefundBody): Promise<Stripe.Refund>;
  /** Opens a dispute: `charge.dispute.created` then `charge.dispute.funds_withdrawn`. */
  disputeCharge(chargeId: string, body?: DisputeChargeBody): Promise<Stripe.Dispute>;
  /** won: `funds_reinstated` then `closed`; lost: `closed`. */
  closeDispute(disputeId: string, body: CloseDisputeBody): Promise<Stripe.Dispute>;
  /** Pays out every available, not yet paid-out balance transaction in one currency. */
  createPayout(body?: CreatePayoutBody): Promise<Stripe.Payout>;
  /** The customer pays: `paid` (default) or `unpaid` for asynchronous methods. */
  completeCheckoutSession(
    id: string,
    body?: CompleteCheckoutSessionBody,
  ): Promise<Stripe.Checkout.Session>;
  succeedCheckoutAsyncPayment(id: string): Promise<Stripe.Checkout.Session>;
  failCheckoutAsyncPayment(id: string): Promise<Stripe.Checkout.Session>;
  /** Registers an endpoint with a known secret; the result carries `secret`. */
  registerWebhookEndpoint(body: RegisterWebhookEndpointBody): Promise<Stripe.WebhookEndpoint>;
  /**
   * Changes how the stand-in behaves from now on (reset restores the defaults): webhook
   * deliveries in flight at once per endpoint, in random order, each held back a random
   * 0..jitter ms (seeded for replay); refunds starting `pending`. Unnamed settings stay.
   */
  configure(body: ConfigureBody): Promise<StandInConfiguration>;
  /**
   * The next `times` (default 1) API requests, only those matching `method` and `path` when
   * given, fail before any work: `timeout` (never answered), `server_error` (5xx),
   * `rate_limit` (429) or `idempotency_key_in_use` (409; requests with a key only).
   */
  injectFaults(body: InjectFaultsBody): Promise<{ pending: number }>;
  /** Forgets faults not yet injected; answers how many there were (0: every one was met). */
  clearFaults(): Promise<{ cleared: number }>;
  pauseDeliveries(): Promise<void>;
  resumeDeliveries(): Promise<void>;
  /** Waits until no delivery is queued (unless paused), in flight or awaiting a retry. */
  settleDeliveries(body?: { timeout_ms?: number }): Promise<void>;
  /** Sends the event again now (ignoring pause and drop); resolves with the attempts. */
  redeliverEvent(id: string): Promise<DeliveryAttempt[]>;
  /** Sends the events now, in exactly this order. */
  redeliverEvents(ids: string[]): Promise<DeliveryAttempt[]>;
  /** A lost webhook: never delivered, still listed by `GET /v1/events`. */
  dropEvent(id: string): Promise<StandInEventRecord>;
  /** Every event so far, oldest first, with delivery status and attempts per endpoint. */
  events(): Promise<StandInEventRecord[]>;
  /** Forgets all objects, events and idempotency keys; keeps start-up webhook endpoints. */
  reset(): Promise<void>;
  /** Moves the virtual clock (object and event timestamps) forward. */
  advanceClock(seconds: number): Promise<{ now: number }>;
  /**
   * The next billing period starts: item periods advance, a `subscription_cycle` invoice is
   * created at the current price and charged to the default payment method. `outcome`
   * overrides the card (default: what the card does); `fail` leaves it past_due with
   * `invoice.payment_failed`. Paused collection (`void`) voids the invoice instead; a due
   * `cancel_at` / `cancel_at_period_end` cancels the subscription instead of renewing.
   */
  renewSubscription(id: string, body?: RenewSubscriptionBody): Promise<RenewSubscriptionResult>;
  /** Retries exhausted: open invoices marked uncollectible (or voided), subscription canceled. */
  giveUpSubscription(id: string, body?: GiveUpSubscriptionBody): Promise<Stripe.Subscription>;
  /** Saves the card (default a new pm_card_visa), attaches it: `setup_intent.succeeded`. */
  succeedSetupIntent(id: string, body?: SucceedSetupIntentBody): Promise<Stripe.SetupIntent>;
  /** `setup_intent.setup_failed`; default code card_declined. */
  failSetupIntent(id: string, body?: FailSetupIntentBody): Promise<Stripe.SetupIntent>;
  /** Pays this open invoice now, the card succeeding (default payment method or a new visa). */
  succeedInvoice(id: string, body?: SucceedInvoiceBody): Promise<Stripe.Invoice>;
}

export interface ControlHooks {
  /** Clears what lives outside the state (idempotency cache) and re-adds start-up endpoints. */
  onReset(): void;
}

function valid<K extends keyof typeof controlShapes>(
  name: K,
  body: unknown,
): Params<(typeof controlShapes)[K]> {
  return validateParams(controlShapes[name], body ?? {}) as Params<(typeof controlShapes)[K]>;
}

/** The in-process implementation; the HTTP control endpoints call the same object. */
export function createControl(
  state: StandInState,
  deliverer: WebhookDeliverer,
  hooks: ControlHooks,
): StripeStandInControl {
  const meta = NO_REQUEST;
  // Async so that a thrown StandInError becomes a rejected promise, as over HTTP.
  return {
    async succeedPaymentIntent(id, body) {
      const params = valid('succeedPaymentIntent', body);
      return succeedPaymentIntent(
        state,
        getPaymentIntent(state, id),
        {
          amountReceived: params.amount_received,
          settlementCurrency: params.settlement_currency,
          exchangeRate: params.exchange_rate,
        },
        meta,
      );
    },
    async failPaymentIntent(id, body) {
      const params = valid('failPaymentIntent', body);
      const intent = getPaymentIntent(state, id);
      failPaymentIntent(state, intent, declineFrom(params), meta);
      return intent;
    },
    async processPaymentIntent(id) {
      return markProcessing(state, getPaymentIntent(state, id), meta);
    },
    async requireActionPaymentIntent(id) {
      return requireAction(state, getPaymentIntent(state, id), meta);
    },
    async refundCharge(chargeId, body) {
      const params = valid('refundCharge', body);
      state.store.get('charge', chargeId);
      return createRefund(state, { ...params, charge: chargeId }, meta);
    },
    async succeedRefund(refundId) {
      return succeedRefund(state, state.store.get<Stripe.Refund>('refund', refundId), meta);
    },
    async failRefund(refundId, body) {
      const params = valid('failRefund', body);
      const refund = state.store.get<Stripe.Refund>('refund', refundId);
      return failRefund(state, refund, params.failure_reason ?? 'expired_or_canceled_card', meta);
    },
    async disputeCharge(chargeId, body) {
      const params = valid('disputeCharge', body);
      return openDispute(state, state.store.get<Stripe.Charge>('charge', chargeId), params, meta);
    },
    async closeDispute(disputeId, body) {
      const params = valid('closeDispute', body);
      const dispute = state.store.get<Stripe.Dispute>('dispute', disputeId);
      return closeDispute(state, dispute, params.outcome, meta);
    },
    async createPayout(body) {
      return createPayout(state, valid('createPayout', body), meta);
    },
    async completeCheckoutSession(id, body) {
      const params = valid('completeCheckoutSession', body);
      return completeCheckoutSession(state, getCheckoutSession(state, id), params, meta);
    },
    async succeedCheckoutAsyncPayment(id) {
      return succeedAsyncPayment(state, getCheckoutSession(state, id), meta);
    },
    async failCheckoutAsyncPayment(id) {
      return failAsyncPayment(state, getCheckoutSession(state, id), meta);
    },
    async registerWebhookEndpoint(body) {
      return registerEndpoint(state, valid('registerWebhookEndpoint', body));
    },
    async configure(body) {
      const params = valid('configure', body);
      const mode: Partial<DeliveryMode> = {};
      if (params.delivery_concurrency != null) mode.concurrency = params.delivery_concurrency;
      if (params.delivery_shuffle != null) mode.shuffle = params.delivery_shuffle;
      if (params.delivery_jitter_ms != null) mode.jitterMs = params.delivery_jitter_ms;
      if (params.delivery_seed != null) mode.seed = params.delivery_seed;
      if (params.refunds_pending != null) state.behaviour.refundsPending = params.refunds_pending;
      const now = deliverer.configure(mode);
      return {
        delivery_concurrency: now.concurrency,
        delivery_shuffle: now.shuffle,
        delivery_jitter_ms: now.jitterMs,
        delivery_seed: now.seed,
        refunds_pending: state.behaviour.refundsPending,
      };
    },
    async injectFaults(body) {
      state.faults.add(valid('injectFaults', body));
      return { pending: state.faults.pending() };
    },
    async clearFaults() {
      const cleared = state.faults.pending();
      state.faults.clear();
      return { cleared };
    },
    async pauseDeliveries() {
      deliverer.pause();
    },
    async resumeDeliveries() {
      deliverer.resume();
    },
    async settleDeliveries(body) {
      const params = valid('settleDeliveries', body);
      await deliverer.settle(params.timeout_ms ?? undefined);
    },
    async redeliverEvent(id) {
      return deliverer.redeliver([id]);
    },
    async redeliverEvents(ids) {
      return deliverer.redeliver(valid('redeliverEvents', { ids }).ids);
    },
    async dropEvent(id) {
      return deliverer.drop(id);
    },
    async events() {
      return deliverer.list();
    },
    async reset() {
      deliverer.clear();
      state.reset();
      hooks.onReset();
    },
    async advanceClock(seconds) {
      const params = valid('advanceClock', { seconds });
      const now = state.clock.advance(params.seconds);
      refreshAvailability(state);
      expireDueSessions(state, meta);
      return { now };
    },
    async renewSubscription(id, body) {
      const params = valid('renewSubscription', body);
      const subscription = state.store.get<Stripe.Subscription>('subscription', id);
      return renewSubscription(
        state,
        subscription,
        {
          outcome: (params.outcome ?? null) as ChargeOutcome | null,
          declineCode: params.decline_code,
        },
        meta,
      );
    },
    async giveUpSubscription(id, body) {
      const params = valid('giveUpSubscription', body);
      const subscription = state.store.get<Stripe.Subscription>('subscription', id);
      return giveUpSubscription(
        state,
        subscription,
        { invoiceAction: params.invoice_action },
        meta,
      );
    },
    async succeedSetupIntent(id, body) {
      const params = valid('succeedSetupIntent', body);
      return succeedSetupIntent(
        state,
        getSetupIntent(state, id),
        params.payment_method ?? null,
        meta,
      );
    },
    async failSetupIntent(id, body) {
      const params = valid('failSetupIntent', body);
      const intent = getSetupIntent(state, id);
      failSetupIntent(state, intent, declineFrom(params), meta);
      return intent;
    },
    async succeedInvoice(id, body) {
      const params = valid('succeedInvoice', body);
      const invoice = state.store.get<Stripe.Invoice>('invoice', id);
      return payInvoice(state, invoice, params.payment_method ?? null, 'succeed', meta);
    },
  };
}

export interface ControlRoute {
  method: HttpMethod;
  path: string;
  run(control: StripeStandInControl, body: unknown, path: Record<string, string>): Promise<unknown>;
}

const ok = { ok: true };

/** `/_stand-in/...` endpoints, one per control method. */
export const CONTROL_ROUTES: ControlRoute[] = [
  {
    method: 'POST',
    path: '/_stand-in/payment_intents/:id/succeed',
    run: (c, body, { id }) => c.succeedPaymentIntent(id, body as SucceedPaymentIntentBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/payment_intents/:id/fail',
    run: (c, body, { id }) => c.failPaymentIntent(id, body as FailPaymentIntentBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/payment_intents/:id/processing',
    run: (c, _body, { id }) => c.processPaymentIntent(id),
  },
  {
    method: 'POST',
    path: '/_stand-in/payment_intents/:id/requires_action',
    run: (c, _body, { id }) => c.requireActionPaymentIntent(id),
  },
  {
    method: 'POST',
    path: '/_stand-in/charges/:id/refund',
    run: (c, body, { id }) => c.refundCharge(id, body as RefundChargeBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/refunds/:id/succeed',
    run: (c, _body, { id }) => c.succeedRefund(id),
  },
  {
    method: 'POST',
    path: '/_stand-in/configure',
    run: (c, body) => c.configure(body as ConfigureBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/faults',
    run: (c, body) => c.injectFaults(body as InjectFaultsBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/faults/clear',
    run: (c) => c.clearFaults(),
  },
  {
    method: 'POST',
    path: '/_stand-in/refunds/:id/fail',
    run: (c, body, { id }) => c.failRefund(id, body as FailRefundBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/charges/:id/dispute',
    run: (c, body, { id }) => c.disputeCharge(id, body as DisputeChargeBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/disputes/:id/close',
    run: (c, body, { id }) => c.closeDispute(id, body as CloseDisputeBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/payouts',
    run: (c, body) => c.createPayout(body as CreatePayoutBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/checkout/sessions/:id/complete',
    run: (c, body, { id }) => c.completeCheckoutSession(id, body as CompleteCheckoutSessionBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/checkout/sessions/:id/async_succeed',
    run: (c, _body, { id }) => c.succeedCheckoutAsyncPayment(id),
  },
  {
    method: 'POST',
    path: '/_stand-in/checkout/sessions/:id/async_fail',
    run: (c, _body, { id }) => c.failCheckoutAsyncPayment(id),
  },
  {
    method: 'POST',
    path: '/_stand-in/webhook_endpoints',
    run: (c, body) => c.registerWebhookEndpoint(body as RegisterWebhookEndpointBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/deliveries/pause',
    run: async (c) => {
      await c.pauseDeliveries();
      return ok;
    },
  },
  {
    method: 'POST',
    path: '/_stand-in/deliveries/resume',
    run: async (c) => {
      await c.resumeDeliveries();
      return ok;
    },
  },
  {
    method: 'POST',
    path: '/_stand-in/deliveries/settle',
    run: async (c, body) => {
      await c.settleDeliveries(body as { timeout_ms?: number });
      return ok;
    },
  },
  {
    method: 'POST',
    path: '/_stand-in/events/redeliver',
    run: async (c, body) => ({
      attempts: await c.redeliverEvents(valid('redeliverEvents', body).ids),
    }),
  },
  {
    method: 'POST',
    path: '/_stand-in/events/:id/redeliver',
    run: async (c, _body, { id }) => ({ attempts: await c.redeliverEvent(id) }),
  },
  {
    method: 'POST',
    path: '/_stand-in/events/:id/drop',
    run: (c, _body, { id }) => c.dropEvent(id),
  },
  {
    method: 'GET',
    path: '/_stand-in/events',
    run: async (c) => ({ data: await c.events() }),
  },
  {
    method: 'POST',
    path: '/_stand-in/reset',
    run: async (c) => {
      await c.reset();
      return ok;
    },
  },
  {
    method: 'POST',
    path: '/_stand-in/clock/advance',
    run: (c, body) => c.advanceClock(valid('advanceClock', body).seconds),
  },
  {
    method: 'POST',
    path: '/_stand-in/subscriptions/:id/renew',
    run: (c, body, { id }) => c.renewSubscription(id, body as RenewSubscriptionBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/subscriptions/:id/give_up',
    run: (c, body, { id }) => c.giveUpSubscription(id, body as GiveUpSubscriptionBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/setup_intents/:id/succeed',
    run: (c, body, { id }) => c.succeedSetupIntent(id, body as SucceedSetupIntentBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/setup_intents/:id/fail',
    run: (c, body, { id }) => c.failSetupIntent(id, body as FailSetupIntentBody),
  },
  {
    method: 'POST',
    path: '/_stand-in/invoices/:id/succeed',
    run: (c, body, { id }) => c.succeedInvoice(id, body as SucceedInvoiceBody),
  },
  {
    method: 'GET',
    path: '/_stand-in/health',
    run: async () => ok,
  },
];

/** The card error a fail control asks for: Stripe's generic decline unless it names another. */
function declineFrom(params: {
  code?: string | null;
  decline_code?: string | null;
  message?: string | null;
}) {
  const code = params.code ?? GENERIC_DECLINE.code;
  return {
    code,
    declineCode:
      params.decline_code ??
      (code === GENERIC_DECLINE.code ? GENERIC_DECLINE.declineCode : undefined),
    message: params.message ?? GENERIC_DECLINE.message,
  };
}
