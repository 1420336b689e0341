/**
 * PaymentIntents and the charges they create. A PaymentIntent moves through Stripe's states:
 * requires_payment_method -> requires_confirmation -> (requires_action | processing) ->
 * succeeded, or back to requires_payment_method on a decline, or canceled. A successful
 * charge gets a balance transaction with the simulated fee.
 */
import type Stripe from 'stripe';
import { createBalanceTransaction, processingFee, settle, Settlement } from './balance';
import { assertChargeAmount, normalizeCurrency } from './currency';
import { invalidRequest, StandInError, unexpectedState } from './errors';
import { expand } from './expand';
import { newId, randomToken } from './ids';
import { fromFixture, mergeMetadata, snapshot } from './objects';
import { inRange, p, pagination, Params, retrieve } from './params';
import { behaviourOf, chargeCardDetails, Decline, resolvePaymentMethod } from './payment-methods';
import { route, Route } from './router';
import { RequestMeta, StandInState } from './state';

type PaymentIntent = Stripe.PaymentIntent;
type Charge = Stripe.Charge;

/** What became of a PaymentIntent, for objects that own one (invoices). */
export type IntentOutcome = 'succeeded' | 'failed' | 'requires_action';
export type IntentObserver = (
  state: StandInState,
  intent: PaymentIntent,
  outcome: IntentOutcome,
  meta: RequestMeta,
) => void;

const intentObservers: IntentObserver[] = [];

/** Called after the PaymentIntent's own events, whoever moved it (API, control, page). */
export function observePaymentIntents(observer: IntentObserver): void {
  if (!intentObservers.includes(observer)) intentObservers.push(observer);
}

function notifyObservers(
  state: StandInState,
  intent: PaymentIntent,
  outcome: IntentOutcome,
  meta: RequestMeta,
): void {
  for (const observer of intentObservers) observer(state, intent, outcome, meta);
}

interface PaymentIntentInternals extends Record<string, unknown> {
  returnUrl: string;
}

const CONFIRMABLE: Stripe.PaymentIntent.Status[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
];
const CANCELABLE: Stripe.PaymentIntent.Status[] = [
  ...CONFIRMABLE,
  'requires_capture',
  'processing',
];
const UPDATABLE_AMOUNT: Stripe.PaymentIntent.Status[] = CONFIRMABLE;

const createShape = {
  amount: p.requiredInteger(),
  automatic_payment_methods: p.object({
    allow_redirects: p.oneOf('always', 'never'),
    enabled: p.boolean(),
  }),
  capture_method: p.oneOf('automatic', 'automatic_async'),
  confirm: p.boolean(),
  currency: p.requiredString(),
  customer: p.string(),
  description: p.string(1000),
  expand: p.stringList(),
  metadata: p.metadata(),
  off_session: p.boolean(),
  payment_method: p.string(),
  payment_method_types: p.stringList(),
  receipt_email: p.string(800),
  return_url: p.string(),
  setup_future_usage: p.oneOf('off_session', 'on_session'),
  statement_descriptor_suffix: p.string(22),
};

const updateShape = {
  amount: p.integer(),
  currency: p.string(),
  customer: p.string(),
  description: p.string(1000),
  expand: p.stringList(),
  metadata: p.metadata(),
  payment_method: p.string(),
  payment_method_types: p.stringList(),
  receipt_email: p.string(800),
  setup_future_usage: p.oneOf('off_session', 'on_session'),
  statement_descriptor_suffix: p.string(22),
};

const confirmShape = {
  expand: p.stringList(),
  off_session: p.boolean(),
  payment_method: p.string(),
  receipt_email: p.string(800),
  return_url: p.string(),
  setup_future_usage: p.oneOf('off_session', 'on_session'),
};

export type CreatePaymentIntentParams = Omit<Params<typeof createShape>, 'expand'>;

export function createPaymentIntent(
  state: StandInState,
  params: CreatePaymentIntentParams,
  meta: RequestMeta,
): PaymentIntent {
  const currency = normalizeCurrency(params.currency);
  assertChargeAmount(params.amount, currency);
  const customer = params.customer
    ? state.store.get<Stripe.Customer>('customer', params.customer, 'customer').id
    : null;
  const explicitTypes = params.payment_method_types ?? null;
  if (explicitTypes && params.automatic_payment_methods?.enabled) {
    throw invalidRequest(
      'You may only specify one of these parameters: automatic_payment_methods, payment_method_types.',
      { param: 'automatic_payment_methods' },
    );
  }
  const paymentMethod = params.payment_method
    ? resolvePaymentMethod(state, params.payment_method, customer)
    : null;
  const id = newId('pi');
  const intent = state.insert(
    fromFixture<PaymentIntent>(
      'payment_intent',
      {
        allowed_payment_method_types: null,
        amount: params.amount,
        amount_capturable: 0,
        amount_received: 0,
        application: null,
        application_fee_amount: null,
        automatic_payment_methods: explicitTypes
          ? null
          : {
              enabled: true,
              ...(params.automatic_payment_methods?.allow_redirects
                ? { allow_redirects: params.automatic_payment_methods.allow_redirects }
                : {}),
            },
        canceled_at: null,
        cancellation_reason: null,
        capture_method: params.capture_method ?? 'automatic',
        client_secret: `${id}_secret_${randomToken(25)}`,
        confirmation_method: 'automatic',
        created: state.now(),
        currency,
        customer,
        description: params.description ?? null,
        id,
        last_payment_error: null,
        latest_charge: null,
        livemode: false,
        metadata: mergeMetadata({}, params.metadata),
        next_action: null,
        object: 'payment_intent',
        on_behalf_of: null,
        payment_method: paymentMethod?.id ?? null,
        payment_method_configuration_details: null,
        payment_method_options: {},
        payment_method_types: explicitTypes ?? ['card'],
        payment_record: null,
        processing: null,
        receipt_email: params.receipt_email ?? null,
        review: null,
        setup_future_usage: params.setup_future_usage ?? null,
        shipping: null,
        source: null,
        statement_descriptor: null,
        statement_descriptor_suffix: params.statement_descriptor_suffix ?? null,
        status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
        transfer_data: null,
        transfer_group: null,
        excluded_payment_method_types: null,
        customer_account: null,
        managed_payments: null,
      },
      { keep: ['amount_details'], extra: ['allowed_payment_method_types', 'payment_record'] },
    ),
  );
  if (params.return_url) state.internal<PaymentIntentInternals>(id).returnUrl = params.return_url;
  state.emit('payment_intent.created', intent, meta);
  if (params.confirm) confirmPaymentIntent(state, intent, {}, meta);
  return intent;
}

function attachPaymentMethod(
  state: StandInState,
  intent: PaymentIntent,
  paymentMethodId: string,
): Stripe.PaymentMethod {
  const customer = typeof intent.customer === 'string' ? intent.customer : null;
  const paymentMethod = resolvePaymentMethod(state, paymentMethodId, customer);
  intent.payment_method = paymentMethod.id;
  if (intent.setup_future_usage && customer && !paymentMethod.customer) {
    paymentMethod.customer = customer;
  }
  return paymentMethod;
}

function currentPaymentMethod(state: StandInState, intent: PaymentIntent) {
  return typeof intent.payment_method === 'string'
    ? state.store.get<Stripe.PaymentMethod>('payment_method', intent.payment_method)
    : null;
}

function newCharge(
  state: StandInState,
  intent: PaymentIntent,
  paymentMethod: Stripe.PaymentMethod,
  status: Stripe.Charge.Status,
): Charge {
  const address = {
    city: null,
    country: null,
    line1: null,
    line2: null,
    postal_code: null,
    state: null,
  };
  const charge = state.insert(
    fromFixture<Charge>(
      'charge',
      {
        amount: intent.amount,
        amount_captured: 0,
        amount_refunded: 0,
        application: null,
        application_fee: null,
        application_fee_amount: null,
        balance_transaction: null,
        billing_details: { address, email: null, name: null, phone: null, tax_id: null },
        calculated_statement_descriptor: 'STRIPE STAND-IN',
        captured: false,
        created: state.now(),
        currency: intent.currency,
        customer: intent.customer,
        description: intent.description,
        disputed: false,
        failure_balance_transaction: null,
        failure_code: null,
        failure_message: null,
        fraud_details: {},
        id: newId('ch'),
        livemode: false,
        metadata: { ...intent.metadata },
        object: 'charge',
        on_behalf_of: null,
        outcome: null,
        paid: false,
        payment_intent: intent.id,
        payment_method: paymentMethod.id,
        payment_method_details: chargeCardDetails(paymentMethod, intent.amount),
        receipt_email: intent.receipt_email,
        receipt_number: null,
        receipt_url: null,
        refunded: false,
        review: null,
        shipping: null,
        source_transfer: null,
        statement_descriptor: null,
        statement_descriptor_suffix: intent.statement_descriptor_suffix,
        status,
        transfer_data: null,
        transfer_group: null,
        source: null,
      },
      { omit: ['refunds'] },
    ),
  );
  intent.latest_charge = charge.id;
  return charge;
}

function approvedOutcome(): Stripe.Charge.Outcome {
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'approved_by_network',
    reason: null,
    seller_message: 'Payment complete.',
    type: 'authorized',
  };
}

export interface SucceedOptions {
  amountReceived?: number | null;
  settlementCurrency?: string | null;
  exchangeRate?: number | null;
}

function settlementFor(state: StandInState, intent: PaymentIntent, options: SucceedOptions) {
  const rate = options.exchangeRate ?? null;
  const currency = options.settlementCurrency
    ? normalizeCurrency(options.settlementCurrency, 'settlement_currency')
    : rate !== null
      ? state.settings.defaultCurrency
      : intent.currency;
  if (currency === intent.currency) {
    if (rate !== null && rate !== 1) {
      throw invalidRequest(
        'exchange_rate must be 1 (or omitted) when settling in the charge currency.',
        {
          param: 'exchange_rate',
        },
      );
    }
    return { currency, exchangeRate: null } satisfies Settlement;
  }
  if (rate === null || rate <= 0) {
    throw invalidRequest(
      `A positive exchange_rate is required to settle a ${intent.currency} payment in ${currency}.`,
      { param: 'exchange_rate' },
    );
  }
  return { currency, exchangeRate: rate } satisfies Settlement;
}

/** Marks the PaymentIntent succeeded: a captured charge, its balance transaction, events. */
export function succeedPaymentIntent(
  state: StandInState,
  intent: PaymentIntent,
  options: SucceedOptions,
  meta: RequestMeta,
): PaymentIntent {
  if (intent.status === 'succeeded' || intent.status === 'canceled') {
    throw unexpectedState(
      `This PaymentIntent's status is ${intent.status}, so it cannot be marked succeeded.`,
    );
  }
  const amountReceived = options.amountReceived ?? intent.amount;
  if (amountReceived < 1 || amountReceived > intent.amount) {
    throw invalidRequest(`amount_received must be between 1 and ${intent.amount}.`, {
      param: 'amount_received',
    });
  }
  const settlement = settlementFor(state, intent, options);
  const paymentMethod =
    currentPaymentMethod(state, intent) ?? attachPaymentMethod(state, intent, 'pm_card_visa');
  const pending =
    intent.status === 'processing' && typeof intent.latest_charge === 'string'
      ? state.store.get<Charge>('charge', intent.latest_charge)
      : null;
  const charge = pending ?? newCharge(state, intent, paymentMethod, 'succeeded');
  const settled = settle(amountReceived, intent.currency, settlement);
  const txn = createBalanceTransaction(state, {
    amount: settled,
    currency: settlement.currency,
    exchangeRate: settlement.exchangeRate,
    fee: {
      amount: processingFee(state, settled, settlement.currency),
      description: 'Stripe processing fees',
    },
    type: 'charge',
    reportingCategory: 'charge',
    source: charge.id,
    description: intent.description,
  });
  Object.assign(charge, {
    amount_captured: amountReceived,
    balance_transaction: txn.id,
    captured: true,
    outcome: approvedOutcome(),
    paid: true,
    status: 'succeeded',
  } satisfies Partial<Charge>);
  Object.assign(intent, {
    amount_capturable: 0,
    amount_received: amountReceived,
    last_payment_error: null,
    next_action: null,
    processing: null,
    status: 'succeeded',
  } satisfies Partial<PaymentIntent>);
  state.emit('charge.succeeded', charge, meta);
  state.emit('payment_intent.succeeded', intent, meta);
  notifyObservers(state, intent, 'succeeded', meta);
  return intent;
}

/**
 * A declined or failed payment: a failed charge, the PaymentIntent back to
 * requires_payment_method with `last_payment_error`, and the events. Returns the error the
 * API answers with (402 card_error).
 */
export function failPaymentIntent(
  state: StandInState,
  intent: PaymentIntent,
  decline: Decline,
  meta: RequestMeta,
): StandInError {
  if (intent.status === 'succeeded' || intent.status === 'canceled') {
    throw unexpectedState(
      `This PaymentIntent's status is ${intent.status}, so it cannot be marked failed.`,
    );
  }
  const paymentMethod =
    currentPaymentMethod(state, intent) ??
    attachPaymentMethod(state, intent, 'pm_card_visa_chargeDeclined');
  const pending =
    intent.status === 'processing' && typeof intent.latest_charge === 'string'
      ? state.store.get<Charge>('charge', intent.latest_charge)
      : null;
  const charge = pending ?? newCharge(state, intent, paymentMethod, 'failed');
  Object.assign(charge, {
    failure_code: decline.code,
    failure_message: decline.message,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'declined_by_network',
      reason: decline.declineCode ?? null,
      seller_message: 'The bank did not return any further details with this decline.',
      type: 'issuer_declined',
    },
    status: 'failed',
  } satisfies Partial<Charge>);
  const docUrl = `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`;
  Object.assign(intent, {
    last_payment_error: {
      charge: charge.id,
      code: decline.code as Stripe.PaymentIntent.LastPaymentError.Code,
      ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
      doc_url: docUrl,
      message: decline.message,
      payment_method: snapshot(paymentMethod),
      payment_method_type: 'card',
      type: 'card_error',
    },
    next_action: null,
    payment_method: null,
    processing: null,
    status: 'requires_payment_method',
  } satisfies Partial<PaymentIntent>);
  state.emit('charge.failed', charge, meta);
  state.emit('payment_intent.payment_failed', intent, meta);
  notifyObservers(state, intent, 'failed', meta);
  return new StandInError({
    status: 402,
    type: 'card_error',
    code: decline.code,
    declineCode: decline.declineCode,
    message: decline.message,
    extra: {
      charge: charge.id,
      payment_intent: snapshot(intent),
      payment_method: snapshot(paymentMethod),
    },
  });
}

/** Asynchronous payment methods: the payment is under way, a pending charge exists. */
export function markProcessing(
  state: StandInState,
  intent: PaymentIntent,
  meta: RequestMeta,
): PaymentIntent {
  if (!CONFIRMABLE.includes(intent.status)) {
    throw unexpectedState(
      `This PaymentIntent's status is ${intent.status}, so it cannot move to processing.`,
    );
  }
  const paymentMethod =
    currentPaymentMethod(state, intent) ?? attachPaymentMethod(state, intent, 'pm_card_visa');
  const charge = newCharge(state, intent, paymentMethod, 'pending');
  Object.assign(intent, {
    last_payment_error: null,
    next_action: null,
    processing: { type: 'card' },
    status: 'processing',
  } satisfies Partial<PaymentIntent>);
  state.emit('charge.pending', charge, meta);
  state.emit('payment_intent.processing', intent, meta);
  return intent;
}

/** 3-D Secure: the customer must visit `next_action.redirect_to_url.url`. */
export function requireAction(
  state: StandInState,
  intent: PaymentIntent,
  meta: RequestMeta,
): PaymentIntent {
  if (!CONFIRMABLE.includes(intent.status)) {
    throw unexpectedState(
      `This PaymentIntent's status is ${intent.status}, so it cannot require an action.`,
    );
  }
  if (!intent.payment_method) attachPaymentMethod(state, intent, 'pm_card_authenticationRequired');
  Object.assign(intent, {
    next_action: {
      type: 'redirect_to_url',
      redirect_to_url: {
        return_url: state.internal<PaymentIntentInternals>(intent.id).returnUrl ?? null,
        url: `${state.publicUrl}/authenticate/${intent.id}`,
      },
    },
    status: 'requires_action',
  } satisfies Partial<PaymentIntent>);
  state.emit('payment_intent.requires_action', intent, meta);
  notifyObservers(state, intent, 'requires_action', meta);
  return intent;
}

export function confirmPaymentIntent(
  state: StandInState,
  intent: PaymentIntent,
  params: Omit<Params<typeof confirmShape>, 'expand'>,
  meta: RequestMeta,
): PaymentIntent {
  if (!CONFIRMABLE.includes(intent.status)) {
    throw unexpectedState(
      intent.status === 'succeeded'
        ? 'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.'
        : `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
    );
  }
  if (params.receipt_email !== undefined) intent.receipt_email = params.receipt_email;
  if (params.setup_future_usage) intent.setup_future_usage = params.setup_future_usage;
  if (params.return_url) {
    state.internal<PaymentIntentInternals>(intent.id).returnUrl = params.return_url;
  }
  const paymentMethod = params.payment_method
    ? attachPaymentMethod(state, intent, params.payment_method)
    : currentPaymentMethod(state, intent);
  if (!paymentMethod) {
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    );
  }
  const behaviour = behaviourOf(paymentMethod);
  if (behaviour.kind === 'decline') throw failPaymentIntent(state, intent, behaviour.decline, meta);
  if (behaviour.kind === 'authenticate' && intent.status !== 'requires_action') {
    return requireAction(state, intent, meta);
  }
  return succeedPaymentIntent(state, intent, {}, meta);
}

export function cancelPaymentIntent(
  state: StandInState,
  intent: PaymentIntent,
  reason: Stripe.PaymentIntent.CancellationReason | null,
  meta: RequestMeta,
): PaymentIntent {
  if (!CANCELABLE.includes(intent.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    );
  }
  Object.assign(intent, {
    canceled_at: state.now(),
    cancellation_reason: reason,
    next_action: null,
    status: 'canceled',
  } satisfies Partial<PaymentIntent>);
  state.emit('payment_intent.canceled', intent, meta);
  return intent;
}

function updatePaymentIntent(
  state: StandInState,
  intent: PaymentIntent,
  params: Params<typeof updateShape>,
): PaymentIntent {
  const changesMoney =
    params.amount !== undefined ||
    params.currency !== undefined ||
    params.payment_method !== undefined ||
    params.payment_method_types !== undefined;
  if (changesMoney && !UPDATABLE_AMOUNT.includes(intent.status)) {
    throw unexpectedState(
      `This PaymentIntent could not be updated because it has a status of ${intent.status}. You may only update the amount, currency or payment method of a PaymentIntent with one of the following statuses: ${UPDATABLE_AMOUNT.join(', ')}.`,
    );
  }
  const currency = params.currency ? normalizeCurrency(params.currency) : intent.currency;
  const amount = params.amount ?? intent.amount;
  if (params.amount !== undefined || params.currency !== undefined) {
    assertChargeAmount(amount, currency);
  }
  intent.amount = amount;
  intent.currency = currency;
  if (params.customer !== undefined) {
    intent.customer = params.customer
      ? state.store.get<Stripe.Customer>('customer', params.customer, 'customer').id
      : null;
  }
  if (params.description !== undefined) intent.description = params.description;
  if (params.metadata !== undefined) {
    intent.metadata = mergeMetadata(intent.metadata, params.metadata);
  }
  if (params.receipt_email !== undefined) intent.receipt_email = params.receipt_email;
  if (params.setup_future_usage !== undefined) {
    intent.setup_future_usage = params.setup_future_usage;
  }
  if (params.statement_descriptor_suffix !== undefined) {
    intent.statement_descriptor_suffix = params.statement_descriptor_suffix;
  }
  if (params.payment_method_types) {
    intent.payment_method_types = params.payment_method_types;
    intent.automatic_payment_methods = null;
  }
  if (params.payment_method) {
    attachPaymentMethod(state, intent, params.payment_method);
    intent.status = 'requires_confirmation';
  } else if (params.payment_method === null) {
    intent.payment_method = null;
    intent.status = 'requires_payment_method';
  }
  return intent;
}

export function getPaymentIntent(state: StandInState, id: string, param?: string) {
  return state.store.get<PaymentIntent>('payment_intent', id, param);
}

export const paymentIntentRoutes: Route[] = [
  route('POST', '/v1/payment_intents', createShape, ({ state, params, meta }) => {
    const { expand: paths, ...rest } = params;
    return expand(state, createPaymentIntent(state, rest, meta), paths);
  }),
  route('GET', '/v1/payment_intents/:id', { ...retrieve, client_secret: p.string() }, (c) =>
    expand(c.state, getPaymentIntent(c.state, c.path.id), c.params.expand),
  ),
  route('POST', '/v1/payment_intents/:id', updateShape, ({ state, params, path }) =>
    expand(
      state,
      updatePaymentIntent(state, getPaymentIntent(state, path.id), params),
      params.expand,
    ),
  ),
  route(
    'POST',
    '/v1/payment_intents/:id/confirm',
    confirmShape,
    ({ state, params, path, meta }) => {
      const { expand: paths, ...rest } = params;
      const intent = confirmPaymentIntent(state, getPaymentIntent(state, path.id), rest, meta);
      return expand(state, intent, paths);
    },
  ),
  route(
    'POST',
    '/v1/payment_intents/:id/cancel',
    {
      cancellation_reason: p.oneOf('abandoned', 'duplicate', 'fraudulent', 'requested_by_customer'),
      expand: p.stringList(),
    },
    ({ state, params, path, meta }) => {
      const intent = getPaymentIntent(state, path.id);
      const reason = params.cancellation_reason ?? null;
      return expand(state, cancelPaymentIntent(state, intent, reason, meta), params.expand);
    },
  ),
  route(
    'GET',
    '/v1/payment_intents',
    { ...pagination, created: p.range(), customer: p.string() },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<PaymentIntent>(
          'payment_intent',
          params,
          '/v1/payment_intents',
          (intent) =>
            inRange(intent.created, params.created) &&
            (!params.customer || intent.customer === params.customer),
        ),
        params.expand,
      ),
  ),
];

export const chargeRoutes: Route[] = [
  route('GET', '/v1/charges/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('charge', path.id), params.expand),
  ),
  route(
    'POST',
    '/v1/charges/:id',
    { description: p.string(1000), expand: p.stringList(), metadata: p.metadata() },
    ({ state, params, path, meta }) => {
      const charge = state.store.get<Charge>('charge', path.id);
      const previous: Partial<Charge> = {};
      if (params.description !== undefined && params.description !== charge.description) {
        previous.description = charge.description;
        charge.description = params.description;
      }
      if (params.metadata !== undefined) {
        previous.metadata = charge.metadata;
        charge.metadata = mergeMetadata(charge.metadata, params.metadata);
      }
      if (Object.keys(previous).length > 0) state.emit('charge.updated', charge, meta, previous);
      return expand(state, charge, params.expand);
    },
  ),
  route(
    'GET',
    '/v1/charges',
    { ...pagination, created: p.range(), customer: p.string(), payment_intent: p.string() },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<Charge>(
          'charge',
          params,
          '/v1/charges',
          (charge) =>
            inRange(charge.created, params.created) &&
            (!params.customer || charge.customer === params.customer) &&
            (!params.payment_intent || charge.payment_intent === params.payment_intent),
        ),
        params.expand,
      ),
  ),
];
