/**
 * Recurring billing: subscriptions, their invoices, and invoice payments, as in current
 * Stripe API versions. An invoice reaches its subscription through
 * `parent.subscription_details.subscription`; each invoice that needs money gets one
 * PaymentIntent, recorded as an invoice_payment (`payment.payment_intent`), whose client
 * secret is the invoice's expandable `confirmation_secret`. Billing periods live on the
 * subscription items. What a real billing engine decides over time (a renewal, a renewal's
 * payment outcome, giving up after retries) is driven by control endpoints.
 *
 * Whatever moves an invoice's PaymentIntent (confirm, invoices.pay, the PaymentIntent control
 * endpoints, the 3-D Secure page) updates the invoice and subscription through the observer
 * registered with payment-intents.ts.
 */
import type Stripe from 'stripe';
import { assertChargeAmount, formatAmount } from './currency';
import { invalidRequest, missingParameter, StandInError, validationError } from './errors';
import { expand } from './expand';
import { newId } from './ids';
import { applyChanges, fromFixture, mergeMetadata, snapshot } from './objects';
import { inRange, p, pagination, Params, retrieve } from './params';
import {
  cancelPaymentIntent,
  createPaymentIntent,
  failPaymentIntent,
  getPaymentIntent,
  IntentOutcome,
  observePaymentIntents,
  requireAction,
  succeedPaymentIntent,
} from './payment-intents';
import {
  behaviourOf,
  CardBehaviour,
  customerPaymentMethod,
  GENERIC_DECLINE,
  noteAttached,
  resolvePaymentMethod,
} from './payment-methods';
import { buildPrice, Interval, recurringShape } from './products-prices';
import { route, Route } from './router';
import { RequestMeta, StandInState } from './state';

type Subscription = Stripe.Subscription;
type SubscriptionItem = Stripe.SubscriptionItem;
type Invoice = Stripe.Invoice;
type InvoicePayment = Stripe.InvoicePayment;
type PaymentIntent = Stripe.PaymentIntent;

interface SubscriptionInternals extends Record<string, unknown> {
  /** Index of the current billing period (0 = the first). */
  cycle: number;
}

interface InvoiceInternals extends Record<string, unknown> {
  paymentIntent: string;
  invoicePayment: string;
}

interface IntentInternals extends Record<string, unknown> {
  invoice: string;
}

const DAY = 86_400;
/** Stripe's Smart Retries: the next attempt some days after a failed renewal payment. */
const RETRY_AFTER_SECONDS = 3 * DAY;

// ---------------------------------------------------------------------------------------------
// Periods

/** `anchor` moved by `count` intervals; months clamp to the month's last day, as Stripe does. */
export function addInterval(anchor: number, interval: Interval, count: number): number {
  if (interval === 'day') return anchor + count * DAY;
  if (interval === 'week') return anchor + count * 7 * DAY;
  const date = new Date(anchor * 1000);
  const months = interval === 'year' ? count * 12 : count;
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return Math.floor(
    Date.UTC(year, month, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()) /
      1000,
  );
}

function recurringOf(price: Stripe.Price): { interval: Interval; count: number } {
  return {
    interval: price.recurring?.interval ?? 'month',
    count: price.recurring?.interval_count ?? 1,
  };
}

function periodOf(subscription: Subscription, price: Stripe.Price, cycle: number) {
  const { interval, count } = recurringOf(price);
  return {
    start: addInterval(subscription.billing_cycle_anchor, interval, cycle * count),
    end: addInterval(subscription.billing_cycle_anchor, interval, (cycle + 1) * count),
  };
}

// ---------------------------------------------------------------------------------------------
// Parameters

const priceDataShape = {
  currency: p.requiredString(),
  product: p.requiredString(),
  recurring: p.object(recurringShape),
  tax_behavior: p.oneOf('exclusive', 'inclusive', 'unspecified'),
  unit_amount: p.integer(0),
};

const createItemShape = {
  metadata: p.metadata(),
  price: p.string(),
  price_data: p.object(priceDataShape),
  quantity: p.integer(0),
};

const updateItemShape = {
  ...createItemShape,
  deleted: p.boolean(),
  id: p.string(),
};

const paymentSettingsShape = p.object({
  payment_method_types: p.stringList(),
  save_default_payment_method: p.oneOf('off', 'on_subscription'),
});

const cancellationDetailsShape = p.object({
  comment: p.string(5000),
  feedback: p.oneOf(
    'customer_service',
    'low_quality',
    'missing_features',
    'other',
    'switched_service',
    'too_complex',
    'too_expensive',
    'unused',
  ),
});

const createShape = {
  cancel_at: p.string(),
  cancel_at_period_end: p.boolean(),
  collection_method: p.oneOf('charge_automatically'),
  currency: p.string(),
  customer: p.requiredString(),
  default_payment_method: p.string(),
  description: p.string(500),
  expand: p.stringList(),
  items: p.listOf(createItemShape),
  metadata: p.metadata(),
  off_session: p.boolean(),
  payment_behavior: p.oneOf(
    'allow_incomplete',
    'default_incomplete',
    'error_if_incomplete',
    'pending_if_incomplete',
  ),
  payment_settings: paymentSettingsShape,
  proration_behavior: p.oneOf('always_invoice', 'create_prorations', 'none'),
};

const updateShape = {
  cancel_at: p.string(),
  cancel_at_period_end: p.boolean(),
  cancellation_details: cancellationDetailsShape,
  default_payment_method: p.string(),
  description: p.string(500),
  expand: p.stringList(),
  items: p.listOf(updateItemShape),
  metadata: p.metadata(),
  off_session: p.boolean(),
  pause_collection: p.object({
    behavior: p.requiredOneOf('keep_as_draft', 'mark_uncollectible', 'void'),
    resumes_at: p.integer(),
  }),
  payment_behavior: p.oneOf(
    'allow_incomplete',
    'default_incomplete',
    'error_if_incomplete',
    'pending_if_incomplete',
  ),
  payment_settings: paymentSettingsShape,
  proration_behavior: p.oneOf('always_invoice', 'create_prorations', 'none'),
};

type ItemParams = Params<typeof createItemShape>;

// ---------------------------------------------------------------------------------------------
// Building objects

function itemPrice(state: StandInState, item: ItemParams, param: string): Stripe.Price {
  if (item.price && item.price_data) {
    throw invalidRequest(
      `You may only specify one of these parameters: ${param}[price], ${param}[price_data].`,
      { param: `${param}[price]` },
    );
  }
  let price: Stripe.Price;
  if (item.price) {
    price = state.store.get<Stripe.Price>('price', item.price, `${param}[price]`);
  } else if (item.price_data) {
    if (!item.price_data.recurring) throw missingParameter(`${param}[price_data][recurring]`);
    price = buildPrice(state, item.price_data, `${param}[price_data]`, { inline: true });
  } else {
    throw missingParameter(`${param}[price]`);
  }
  if (price.type !== 'recurring') {
    throw invalidRequest(
      'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
      { param: `${param}[price]` },
    );
  }
  return price;
}

function planOf(price: Stripe.Price): Stripe.Plan {
  return fromFixture<Stripe.Plan>('plan', {
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: String(price.unit_amount) as unknown as Stripe.Plan['amount_decimal'],
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    id: price.id,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: { ...price.metadata },
    meter: null,
    nickname: price.nickname,
    object: 'plan',
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  });
}

function newItem(
  state: StandInState,
  subscription: string,
  price: Stripe.Price,
  params: ItemParams,
  period: { start: number; end: number },
): SubscriptionItem {
  return fromFixture<SubscriptionItem>('subscription_item', {
    created: state.now(),
    discounts: [],
    id: newId('si', 14),
    metadata: mergeMetadata({}, params.metadata),
    object: 'subscription_item',
    price: snapshot(price),
    quantity: params.quantity ?? 1,
    subscription,
    tax_rates: [],
    plan: planOf(price),
    current_period_end: period.end,
    current_period_start: period.start,
    billing_thresholds: null,
  });
}

function customerOf(state: StandInState, subscription: Subscription): Stripe.Customer {
  return state.store.get<Stripe.Customer>('customer', subscription.customer as string);
}

function productName(state: StandInState, price: Stripe.Price): string {
  const product = state.store.find(price.product as string) as Stripe.Product | undefined;
  return product?.name ?? '';
}

function lineDescription(state: StandInState, item: SubscriptionItem): string {
  const price = item.price;
  const { interval, count } = recurringOf(price);
  const every = count === 1 ? interval : `every ${count} ${interval}s`;
  const amount = formatAmount(price.unit_amount ?? 0, price.currency);
  const quantity = item.quantity ?? 1;
  return `${quantity} × ${productName(state, price)} (at ${amount} ${price.currency.toUpperCase()} / ${every})`;
}

function newLine(
  state: StandInState,
  invoice: string,
  subscription: Subscription,
  item: SubscriptionItem,
): Stripe.InvoiceLineItem {
  const quantity = item.quantity ?? 1;
  const amount = (item.price.unit_amount ?? 0) * quantity;
  return fromFixture<Stripe.InvoiceLineItem>('line_item', {
    amount,
    currency: item.price.currency,
    description: lineDescription(state, item),
    discount_amounts: [],
    discountable: true,
    discounts: [],
    id: newId('il'),
    invoice,
    livemode: false,
    metadata: { ...subscription.metadata },
    object: 'line_item',
    period: { end: item.current_period_end, start: item.current_period_start },
    quantity,
    subscription: subscription.id,
    pretax_credit_amounts: [],
    taxes: [],
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: subscription.id,
        subscription_item: item.id,
      },
      type: 'subscription_item_details',
    },
    pricing: {
      price_details: { price: item.price.id, product: item.price.product as string },
      type: 'price_details',
      unit_amount_decimal: String(
        item.price.unit_amount ?? 0,
      ) as unknown as Stripe.InvoiceLineItem.Pricing['unit_amount_decimal'],
    },
    subtotal: amount,
    quantity_decimal: String(quantity) as unknown as Stripe.InvoiceLineItem['quantity_decimal'],
  });
}

/** A draft invoice for the subscription's current items (not yet announced). */
function buildInvoice(
  state: StandInState,
  subscription: Subscription,
  billingReason: Stripe.Invoice.BillingReason,
  period: { start: number; end: number },
): Invoice {
  const customer = customerOf(state, subscription);
  const id = newId('in');
  const lines = subscription.items.data.map((item) => newLine(state, id, subscription, item));
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const created = state.now();
  return state.insert(
    fromFixture<Invoice>(
      'invoice',
      {
        account_country: 'US',
        account_name: 'Stripe stand-in',
        account_tax_ids: null,
        amount_due: total,
        amount_paid: 0,
        amount_remaining: total,
        amount_shipping: 0,
        application: null,
        attempt_count: 0,
        attempted: false,
        auto_advance: true,
        automatic_tax: {
          enabled: false,
          liability: null,
          status: null,
          disabled_reason: null,
          provider: null,
        },
        billing_reason: billingReason,
        collection_method: 'charge_automatically',
        created,
        currency: subscription.currency,
        custom_fields: null,
        customer: customer.id,
        customer_address: customer.address ?? null,
        customer_email: customer.email ?? null,
        customer_name: customer.name ?? null,
        customer_phone: customer.phone ?? null,
        customer_shipping: null,
        customer_tax_exempt: 'none',
        customer_tax_ids: [],
        default_payment_method: null,
        default_source: null,
        default_tax_rates: [],
        description: null,
        discounts: [],
        due_date: null,
        effective_at: null,
        ending_balance: null,
        footer: null,
        from_invoice: null,
        hosted_invoice_url: null,
        id,
        invoice_pdf: null,
        issuer: { type: 'self' },
        last_finalization_error: null,
        latest_revision: null,
        lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
        livemode: false,
        metadata: {},
        next_payment_attempt: null,
        number: null,
        object: 'invoice',
        on_behalf_of: null,
        payment_settings: {
          default_mandate: null,
          payment_method_options: null,
          payment_method_types: subscription.payment_settings?.payment_method_types ?? null,
        },
        period_end: period.end,
        period_start: period.start,
        post_payment_credit_notes_amount: 0,
        pre_payment_credit_notes_amount: 0,
        receipt_number: null,
        rendering: {
          amount_tax_display: null,
          pdf: { page_size: 'auto' },
          template: null,
          template_version: null,
        },
        shipping_cost: null,
        shipping_details: null,
        starting_balance: 0,
        statement_descriptor: null,
        status: 'draft',
        status_transitions: {
          finalized_at: null,
          marked_uncollectible_at: null,
          paid_at: null,
          voided_at: null,
        },
        subtotal: total,
        subtotal_excluding_tax: total,
        test_clock: null,
        total,
        total_discount_amounts: [],
        total_excluding_tax: total,
        webhooks_delivered_at: null,
        automatically_finalizes_at: billingReason === 'subscription_cycle' ? created + 3600 : null,
        total_pretax_credit_amounts: [],
        total_taxes: [],
        amount_overpaid: 0,
        parent: {
          quote_details: null,
          subscription_details: {
            metadata: { ...subscription.metadata },
            subscription: subscription.id,
          },
          type: 'subscription_details',
        },
        customer_account: null,
      },
      // This API version has no top-level `invoice.subscription` (it is under `parent`).
      { omit: ['subscription'] },
    ),
  );
}

function subscriptionOfInvoice(state: StandInState, invoice: Invoice): Subscription | null {
  const id = invoice.parent?.subscription_details?.subscription;
  return typeof id === 'string' ? state.store.get<Subscription>('subscription', id) : null;
}

function invoicePaymentOf(state: StandInState, invoice: Invoice): InvoicePayment | null {
  const id = state.internal<InvoiceInternals>(invoice.id).invoicePayment;
  return id ? state.store.get<InvoicePayment>('invoice_payment', id) : null;
}

export function invoiceIntent(state: StandInState, invoice: Invoice): PaymentIntent | null {
  const id = state.internal<InvoiceInternals>(invoice.id).paymentIntent;
  return id ? getPaymentIntent(state, id) : null;
}

/** Finalizes a draft: number, hosted page, and a PaymentIntent with its invoice payment. */
function finalizeInvoice(
  state: StandInState,
  invoice: Invoice,
  subscription: Subscription | null,
  meta: RequestMeta,
): void {
  const now = state.now();
  const customer = state.store.get<Stripe.Customer>('customer', invoice.customer as string);
  const sequence = customer.next_invoice_sequence ?? 1;
  customer.next_invoice_sequence = sequence + 1;
  Object.assign(invoice, {
    effective_at: now,
    ending_balance: 0,
    hosted_invoice_url: `${state.publicUrl}/invoice/${invoice.id}`,
    number: `${customer.invoice_prefix}-${String(sequence).padStart(4, '0')}`,
    status: 'open',
    status_transitions: { ...invoice.status_transitions, finalized_at: now },
    automatically_finalizes_at: null,
  } satisfies Partial<Invoice>);
  if (invoice.amount_due > 0) {
    assertChargeAmount(invoice.amount_due, invoice.currency, 'items');
    const first = invoice.billing_reason === 'subscription_create';
    const saveDefault =
      subscription?.payment_settings?.save_default_payment_method === 'on_subscription';
    const intent = createPaymentIntent(
      state,
      {
        amount: invoice.amount_due,
        currency: invoice.currency,
        customer: customer.id,
        description: first ? 'Subscription creation' : 'Subscription update',
        payment_method_types: invoice.payment_settings.payment_method_types ?? ['card'],
        setup_future_usage: first && saveDefault ? 'off_session' : null,
      },
      meta,
    );
    state.internal<IntentInternals>(intent.id).invoice = invoice.id;
    const payment = state.insert(
      fromFixture<InvoicePayment>('invoice_payment', {
        amount_paid: null,
        amount_requested: invoice.amount_due,
        created: now,
        currency: invoice.currency,
        id: newId('inpay'),
        invoice: invoice.id,
        is_default: true,
        livemode: false,
        object: 'invoice_payment',
        payment: { payment_intent: intent.id, type: 'payment_intent' },
        status: 'open',
        status_transitions: { canceled_at: null, paid_at: null },
      }),
    );
    const internals = state.internal<InvoiceInternals>(invoice.id);
    internals.paymentIntent = intent.id;
    internals.invoicePayment = payment.id;
  }
  state.emit('invoice.finalized', invoice, meta);
  if (invoice.amount_due === 0) markInvoicePaid(state, invoice, null, meta);
}

function voidInvoice(state: StandInState, invoice: Invoice, meta: RequestMeta): void {
  if (invoice.status === 'paid' || invoice.status === 'void') {
    throw invalidRequest(
      `You can only void an invoice that is open or uncollectible; this one is ${invoice.status}.`,
      {
        code: 'invoice_not_editable',
      },
    );
  }
  const now = state.now();
  invoice.status = 'void';
  invoice.next_payment_attempt = null;
  invoice.status_transitions = { ...invoice.status_transitions, voided_at: now };
  const intent = invoiceIntent(state, invoice);
  if (intent && !['succeeded', 'canceled'].includes(intent.status)) {
    if (intent.status === 'processing') {
      throw invalidRequest('This invoice has a payment in progress and cannot be voided.');
    }
    cancelPaymentIntent(state, intent, null, meta);
  }
  const payment = invoicePaymentOf(state, invoice);
  if (payment && payment.status === 'open') {
    payment.status = 'canceled';
    payment.status_transitions = { ...payment.status_transitions, canceled_at: now };
  }
  state.emit('invoice.voided', invoice, meta);
}

function markUncollectible(state: StandInState, invoice: Invoice, meta: RequestMeta): void {
  if (invoice.status !== 'open') {
    throw invalidRequest(
      `You can only mark an open invoice as uncollectible; this one is ${invoice.status}.`,
      { code: 'invoice_not_editable' },
    );
  }
  invoice.status = 'uncollectible';
  invoice.next_payment_attempt = null;
  invoice.status_transitions = {
    ...invoice.status_transitions,
    marked_uncollectible_at: state.now(),
  };
  state.emit('invoice.marked_uncollectible', invoice, meta);
}

// ---------------------------------------------------------------------------------------------
// Payment outcomes (called for invoice PaymentIntents, however they were moved)

function setStatus(
  state: StandInState,
  subscription: Subscription,
  changes: Partial<Subscription>,
  meta: RequestMeta,
): void {
  const previous = applyChanges(subscription, changes);
  if (Object.keys(previous).length > 0) {
    state.emit('customer.subscription.updated', subscription, meta, previous);
  }
}

function openInvoices(state: StandInState, subscription: Subscription): Invoice[] {
  return state.store
    .all<Invoice>('invoice')
    .filter(
      (invoice) =>
        invoice.parent?.subscription_details?.subscription === subscription.id &&
        invoice.status === 'open',
    );
}

function markInvoicePaid(
  state: StandInState,
  invoice: Invoice,
  intent: PaymentIntent | null,
  meta: RequestMeta,
): void {
  if (invoice.status === 'paid') return;
  const now = state.now();
  const payment = invoicePaymentOf(state, invoice);
  if (payment && intent) {
    Object.assign(payment, {
      amount_paid: intent.amount_received,
      status: 'paid',
      status_transitions: { ...payment.status_transitions, paid_at: now },
    } satisfies Partial<InvoicePayment>);
  }
  Object.assign(invoice, {
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    attempt_count: intent ? invoice.attempt_count + 1 : invoice.attempt_count,
    attempted: intent ? true : invoice.attempted,
    next_payment_attempt: null,
    status: 'paid',
    status_transitions: { ...invoice.status_transitions, paid_at: now },
  } satisfies Partial<Invoice>);
  if (payment && intent) state.emit('invoice_payment.paid', payment, meta);
  state.emit('invoice.paid', invoice, meta);
  state.emit('invoice.payment_succeeded', invoice, meta);
  const subscription = subscriptionOfInvoice(state, invoice);
  if (!subscription || subscription.status === 'canceled') return;
  const changes: Partial<Subscription> = {};
  const paymentMethod =
    intent && typeof intent.payment_method === 'string'
      ? state.store.get<Stripe.PaymentMethod>('payment_method', intent.payment_method)
      : null;
  if (
    paymentMethod &&
    invoice.billing_reason === 'subscription_create' &&
    subscription.payment_settings?.save_default_payment_method === 'on_subscription'
  ) {
    if (!paymentMethod.customer) paymentMethod.customer = invoice.customer as string;
    noteAttached(state, paymentMethod, meta);
    changes.default_payment_method = paymentMethod.id;
  }
  if (
    ['incomplete', 'past_due', 'unpaid'].includes(subscription.status) &&
    openInvoices(state, subscription).length === 0
  ) {
    changes.status = 'active';
  }
  setStatus(state, subscription, changes, meta);
}

function onInvoicePaymentProblem(
  state: StandInState,
  invoice: Invoice,
  outcome: 'failed' | 'requires_action',
  meta: RequestMeta,
): void {
  const first = invoice.billing_reason === 'subscription_create';
  Object.assign(invoice, {
    attempt_count: invoice.attempt_count + 1,
    attempted: true,
    next_payment_attempt:
      first || invoice.status !== 'open' ? null : state.now() + RETRY_AFTER_SECONDS,
  } satisfies Partial<Invoice>);
  state.emit(
    outcome === 'failed' ? 'invoice.payment_failed' : 'invoice.payment_action_required',
    invoice,
    meta,
  );
  const subscription = subscriptionOfInvoice(state, invoice);
  if (subscription && subscription.status === 'active' && !first) {
    setStatus(state, subscription, { status: 'past_due' }, meta);
  }
}

function onIntentOutcome(
  state: StandInState,
  intent: PaymentIntent,
  outcome: IntentOutcome,
  meta: RequestMeta,
): void {
  const invoiceId = state.internal<IntentInternals>(intent.id).invoice;
  if (!invoiceId) return;
  const invoice = state.store.get<Invoice>('invoice', invoiceId);
  if (outcome === 'succeeded') markInvoicePaid(state, invoice, intent, meta);
  else onInvoicePaymentProblem(state, invoice, outcome, meta);
}

observePaymentIntents(onIntentOutcome);

export type ChargeOutcome = 'succeed' | 'fail' | 'requires_action';

/**
 * Charges an open invoice's PaymentIntent with `paymentMethod`. `outcome` overrides what the
 * card would do. Returns the API error for a decline or a required action (null on success).
 */
function chargeInvoice(
  state: StandInState,
  invoice: Invoice,
  paymentMethod: Stripe.PaymentMethod | null,
  outcome: ChargeOutcome | null,
  declineCode: string | null,
  meta: RequestMeta,
): StandInError | null {
  const intent = invoiceIntent(state, invoice);
  if (!intent) return null;
  if (!paymentMethod) {
    // Nothing to charge with: Stripe records a failed attempt.
    onInvoicePaymentProblem(state, invoice, 'failed', meta);
    return invalidRequest(
      'This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.',
      { code: 'missing' },
    );
  }
  intent.payment_method = paymentMethod.id;
  intent.status = 'requires_confirmation';
  const behaviour: CardBehaviour =
    outcome === 'succeed'
      ? { kind: 'succeed' }
      : outcome === 'fail'
        ? {
            kind: 'decline',
            decline: {
              ...GENERIC_DECLINE,
              declineCode: declineCode ?? GENERIC_DECLINE.declineCode,
              message:
                declineCode === 'insufficient_funds'
                  ? 'Your card has insufficient funds.'
                  : GENERIC_DECLINE.message,
            },
          }
        : outcome === 'requires_action'
          ? { kind: 'authenticate' }
          : behaviourOf(paymentMethod);
  if (behaviour.kind === 'decline')
    return failPaymentIntent(state, intent, behaviour.decline, meta);
  if (behaviour.kind === 'authenticate') {
    requireAction(state, intent, meta);
    return new StandInError({
      status: 402,
      type: 'card_error',
      code: 'invoice_payment_intent_requires_action',
      message:
        'This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice. For more details see: https://stripe.com/docs/billing/subscriptions/overview#requires-action',
      extra: { payment_intent: snapshot(intent) },
    });
  }
  succeedPaymentIntent(state, intent, {}, meta);
  return null;
}

/** The payment method Stripe would charge: invoice, subscription, then customer default. */
function defaultPaymentMethod(
  state: StandInState,
  invoice: Invoice,
  subscription: Subscription | null,
): Stripe.PaymentMethod | null {
  const customer = state.store.get<Stripe.Customer>('customer', invoice.customer as string);
  const id =
    invoice.default_payment_method ??
    subscription?.default_payment_method ??
    customer.invoice_settings.default_payment_method;
  if (!id) return null;
  return state.store.find(id as string) as Stripe.PaymentMethod | null;
}

// ---------------------------------------------------------------------------------------------
// Subscriptions

function parseCancelAt(
  value: string | null | undefined,
  subscription: Pick<Subscription, 'items'> | null,
): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (/^\d+$/.test(value)) return Number(value);
  if ((value === 'min_period_end' || value === 'max_period_end') && subscription) {
    const ends = subscription.items.data.map((item) => item.current_period_end);
    return value === 'min_period_end' ? Math.min(...ends) : Math.max(...ends);
  }
  throw validationError(`Invalid integer: ${value}`, 'parameter_invalid_integer', 'cancel_at');
}

export function createSubscription(
  state: StandInState,
  params: Omit<Params<typeof createShape>, 'expand'>,
  meta: RequestMeta,
): Subscription {
  const customer = state.store.get<Stripe.Customer>('customer', params.customer, 'customer');
  if (!params.items || params.items.length === 0) throw missingParameter('items');
  if (params.cancel_at !== undefined && params.cancel_at !== null && params.cancel_at_period_end) {
    throw invalidRequest(
      'You may only specify one of these parameters: cancel_at, cancel_at_period_end.',
      { param: 'cancel_at' },
    );
  }
  const defaultPaymentMethod = params.default_payment_method
    ? customerPaymentMethod(
        state,
        params.default_payment_method,
        customer.id,
        'default_payment_method',
      ).id
    : null;
  const prices = params.items.map((item, index) => itemPrice(state, item, `items[${index}]`));
  const currency = prices[0].currency;
  prices.forEach((price, index) => {
    if (price.currency !== currency) {
      throw invalidRequest(
        'Currency of all prices must match: the subscription has only one currency.',
        { param: `items[${index}][price]` },
      );
    }
  });
  const id = newId('sub');
  const now = state.now();
  const subscription = fromFixture<Subscription>('subscription', {
    application: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null, disabled_reason: null },
    billing_cycle_anchor: now,
    billing_cycle_anchor_config: null,
    cancel_at: null,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency,
    customer: customer.id,
    days_until_due: null,
    default_payment_method: defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: params.description ?? null,
    discounts: [],
    ended_at: null,
    id,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: {
      object: 'list',
      data: [],
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    metadata: mergeMetadata({}, params.metadata),
    next_pending_invoice_item_invoice: null,
    object: 'subscription',
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: params.payment_settings?.payment_method_types ?? null,
      save_default_payment_method: params.payment_settings?.save_default_payment_method ?? 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: 'incomplete',
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' },
    },
    trial_start: null,
    cancel_at_period_end: false,
    billing_thresholds: null,
    billing_mode: { flexible: { proration_discounts: 'included' }, type: 'flexible' },
    customer_account: null,
    managed_payments: null,
    billing_schedules: [],
  });
  subscription.items.data = params.items.map((item, index) =>
    newItem(state, id, prices[index], item, periodOf(subscription, prices[index], 0)),
  );
  subscription.items.data.forEach((item) => {
    if (item.current_period_end !== subscription.items.data[0].current_period_end) {
      throw invalidRequest(
        'All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.',
        { param: 'items' },
      );
    }
  });
  if (params.cancel_at_period_end) {
    subscription.cancel_at_period_end = true;
    subscription.cancel_at = subscription.items.data[0].current_period_end;
  } else {
    subscription.cancel_at = parseCancelAt(params.cancel_at, subscription) ?? null;
  }
  state.insert(subscription);
  state.internal<SubscriptionInternals>(id).cycle = 0;
  const period = { start: now, end: now };
  const invoice = buildInvoice(state, subscription, 'subscription_create', period);
  subscription.latest_invoice = invoice.id;
  state.emit('customer.subscription.created', subscription, meta);
  state.emit('invoice.created', invoice, meta);
  finalizeInvoice(state, invoice, subscription, meta);
  if (invoice.status === 'paid') return subscription;
  const behavior = params.payment_behavior ?? 'allow_incomplete';
  if (behavior === 'default_incomplete') return subscription;
  const paymentMethod = defaultPaymentMethod
    ? state.store.get<Stripe.PaymentMethod>('payment_method', defaultPaymentMethod)
    : (state.store.find(customer.invoice_settings.default_payment_method as string) as
        Stripe.PaymentMethod | undefined);
  if (!paymentMethod) {
    if (behavior === 'error_if_incomplete') {
      throw invalidRequest(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.',
        { code: 'resource_missing' },
      );
    }
    return subscription;
  }
  const error = chargeInvoice(state, invoice, paymentMethod, null, null, meta);
  if (error && behavior === 'error_if_incomplete') throw error;
  return subscription;
}

function getSubscription(state: StandInState, id: string): Subscription {
  return state.store.get<Subscription>('subscription', id);
}

function updateSubscription(
  state: StandInState,
  subscription: Subscription,
  params: Omit<Params<typeof updateShape>, 'expand'>,
  meta: RequestMeta,
): Subscription {
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
    const allowed = new Set(['metadata', 'cancellation_details']);
    const other = Object.keys(params).find((key) => !allowed.has(key));
    if (other) {
      throw invalidRequest(
        'A canceled subscription can only update its cancellation_details and metadata.',
        { code: 'invalid_canceled_subscription_fields', param: other },
      );
    }
  }
  const changes: Partial<Subscription> = {};
  if (params.items) {
    const items = snapshot(subscription.items.data);
    params.items.forEach((update, index) => {
      const param = `items[${index}]`;
      const existing = update.id ? items.find((item) => item.id === update.id) : undefined;
      if (update.id && !existing) {
        throw invalidRequest(
          `The subscription item ${update.id} does not belong to subscription ${subscription.id}.`,
          { param: `${param}[id]` },
        );
      }
      if (update.deleted) {
        if (!existing) throw missingParameter(`${param}[id]`);
        items.splice(items.indexOf(existing), 1);
        return;
      }
      if (existing) {
        if (update.price || update.price_data) {
          const price = itemPrice(state, update, param);
          if (price.currency !== subscription.currency) {
            throw invalidRequest(
              'Currency of all prices must match: the subscription has only one currency.',
              { param: `${param}[price]` },
            );
          }
          existing.price = snapshot(price);
          existing.plan = planOf(price);
        }
        if (update.quantity !== undefined && update.quantity !== null) {
          existing.quantity = update.quantity;
        }
        if (update.metadata !== undefined) {
          existing.metadata = mergeMetadata(existing.metadata, update.metadata);
        }
        return;
      }
      const price = itemPrice(state, update, param);
      const first = items[0];
      const period = first
        ? { start: first.current_period_start, end: first.current_period_end }
        : periodOf(
            subscription,
            price,
            state.internal<SubscriptionInternals>(subscription.id).cycle ?? 0,
          );
      items.push(newItem(state, subscription.id, price, update, period));
    });
    if (items.length === 0) {
      throw invalidRequest('A subscription must have at least one active plan.', {
        param: 'items',
      });
    }
    changes.items = { ...subscription.items, data: items };
  }
  if (params.default_payment_method !== undefined) {
    changes.default_payment_method = params.default_payment_method
      ? customerPaymentMethod(
          state,
          params.default_payment_method,
          subscription.customer as string,
          'default_payment_method',
        ).id
      : null;
  }
  if (params.description !== undefined) changes.description = params.description;
  if (params.metadata !== undefined) {
    changes.metadata = mergeMetadata(subscription.metadata, params.metadata);
  }
  if (params.payment_settings?.save_default_payment_method) {
    changes.payment_settings = {
      ...(subscription.payment_settings ?? {
        payment_method_options: null,
        payment_method_types: null,
        save_default_payment_method: 'off',
      }),
      save_default_payment_method: params.payment_settings.save_default_payment_method,
    };
  }
  if (params.cancellation_details !== undefined) {
    changes.cancellation_details = {
      reason: subscription.cancellation_details?.reason ?? null,
      comment: params.cancellation_details?.comment ?? null,
      feedback: params.cancellation_details?.feedback ?? null,
      feedback_option: subscription.cancellation_details?.feedback_option ?? null,
    };
  }
  if (params.cancel_at !== undefined && params.cancel_at_period_end) {
    throw invalidRequest(
      'You may only specify one of these parameters: cancel_at, cancel_at_period_end.',
      { param: 'cancel_at' },
    );
  }
  const periodEnd = subscription.items.data[0]?.current_period_end ?? null;
  if (params.cancel_at_period_end !== undefined && params.cancel_at_period_end !== null) {
    changes.cancel_at_period_end = params.cancel_at_period_end;
    changes.cancel_at = params.cancel_at_period_end ? periodEnd : null;
  }
  if (params.cancel_at !== undefined) {
    changes.cancel_at = parseCancelAt(params.cancel_at, subscription) ?? null;
    changes.cancel_at_period_end = false;
  }
  if (params.pause_collection !== undefined) {
    changes.pause_collection = params.pause_collection
      ? {
          behavior: params.pause_collection.behavior,
          resumes_at: params.pause_collection.resumes_at ?? null,
        }
      : null;
  }
  const previous = applyChanges(subscription, changes);
  if (Object.keys(previous).length > 0) {
    state.emit('customer.subscription.updated', subscription, meta, previous);
  }
  return subscription;
}

/** Ends the subscription now: status canceled, `customer.subscription.deleted`. */
function endSubscription(
  state: StandInState,
  subscription: Subscription,
  reason: Stripe.Subscription.CancellationDetails.Reason,
  details: { comment?: string | null; feedback?: string | null } | null,
  meta: RequestMeta,
): Subscription {
  if (subscription.status === 'canceled') {
    throw invalidRequest(
      `This subscription is already canceled (${subscription.id}); a canceled subscription cannot be canceled again.`,
      { code: 'resource_missing' },
    );
  }
  if (subscription.status === 'incomplete') {
    for (const invoice of openInvoices(state, subscription)) voidInvoice(state, invoice, meta);
  }
  const now = state.now();
  Object.assign(subscription, {
    canceled_at: now,
    cancellation_details: {
      comment: details?.comment ?? subscription.cancellation_details?.comment ?? null,
      feedback: (details?.feedback ??
        subscription.cancellation_details?.feedback ??
        null) as Stripe.Subscription.CancellationDetails.Feedback | null,
      feedback_option: subscription.cancellation_details?.feedback_option ?? null,
      reason,
    },
    ended_at: now,
    status: 'canceled',
  } satisfies Partial<Subscription>);
  state.emit('customer.subscription.deleted', subscription, meta);
  return subscription;
}

export interface RenewOptions {
  outcome?: ChargeOutcome | null;
  declineCode?: string | null;
}

export interface RenewResult {
  subscription: Subscription;
  /** The cycle invoice; null when the subscription was canceled instead of renewing. */
  invoice: Invoice | null;
}

/**
 * The next billing period starts: periods advance, a `subscription_cycle` invoice for the
 * current items is created and (unless collection is paused) charged to the default
 * payment method. A due `cancel_at` (or `cancel_at_period_end`) cancels instead.
 */
export function renewSubscription(
  state: StandInState,
  subscription: Subscription,
  options: RenewOptions,
  meta: RequestMeta,
): RenewResult {
  if (!['active', 'past_due', 'unpaid', 'trialing'].includes(subscription.status)) {
    throw invalidRequest(
      `This subscription has status ${subscription.status}; only active, past_due, trialing or unpaid subscriptions renew.`,
    );
  }
  const now = state.now();
  const pause = subscription.pause_collection;
  if (pause?.resumes_at && pause.resumes_at <= now) {
    setStatus(state, subscription, { pause_collection: null }, meta);
  }
  const currentEnd = subscription.items.data[0].current_period_end;
  if (
    subscription.cancel_at_period_end ||
    (subscription.cancel_at !== null && subscription.cancel_at <= Math.max(now, currentEnd))
  ) {
    endSubscription(state, subscription, 'cancellation_requested', null, meta);
    return { subscription, invoice: null };
  }
  const internals = state.internal<SubscriptionInternals>(subscription.id);
  const previousPeriod = {
    start: subscription.items.data[0].current_period_start,
    end: currentEnd,
  };
  const cycle = (internals.cycle ?? 0) + 1;
  internals.cycle = cycle;
  const previous: Partial<Subscription> = {
    items: snapshot(subscription.items),
    latest_invoice: subscription.latest_invoice,
  };
  for (const item of subscription.items.data) {
    const period = periodOf(subscription, item.price, cycle);
    item.current_period_start = period.start;
    item.current_period_end = period.end;
  }
  const invoice = buildInvoice(state, subscription, 'subscription_cycle', previousPeriod);
  subscription.latest_invoice = invoice.id;
  state.emit('customer.subscription.updated', subscription, meta, previous);
  state.emit('invoice.created', invoice, meta);
  const behavior = subscription.pause_collection?.behavior ?? null;
  if (behavior === 'keep_as_draft') return { subscription, invoice };
  if (behavior === 'void') {
    voidInvoice(state, invoice, meta);
    return { subscription, invoice };
  }
  finalizeInvoice(state, invoice, subscription, meta);
  if (invoice.status !== 'open') return { subscription, invoice };
  if (behavior === 'mark_uncollectible') {
    markUncollectible(state, invoice, meta);
    return { subscription, invoice };
  }
  let paymentMethod = defaultPaymentMethod(state, invoice, subscription);
  if (!paymentMethod && options.outcome === 'succeed') {
    paymentMethod = resolvePaymentMethod(state, 'pm_card_visa', invoice.customer as string);
  }
  chargeInvoice(
    state,
    invoice,
    paymentMethod,
    options.outcome ?? null,
    options.declineCode ?? null,
    meta,
  );
  return { subscription, invoice };
}

export interface GiveUpOptions {
  invoiceAction?: 'mark_uncollectible' | 'void' | null;
}

/** Retries are exhausted: open invoices closed, the subscription canceled (payment_failed). */
export function giveUpSubscription(
  state: StandInState,
  subscription: Subscription,
  options: GiveUpOptions,
  meta: RequestMeta,
): Subscription {
  if (subscription.status === 'canceled') {
    throw invalidRequest(`This subscription is already canceled (${subscription.id}).`, {});
  }
  for (const invoice of openInvoices(state, subscription)) {
    if (options.invoiceAction === 'void') voidInvoice(state, invoice, meta);
    else markUncollectible(state, invoice, meta);
  }
  return endSubscription(state, subscription, 'payment_failed', null, meta);
}

/** Pays an open (or uncollectible) invoice: `invoices.pay`, and the control endpoint. */
export function payInvoice(
  state: StandInState,
  invoice: Invoice,
  paymentMethodId: string | null,
  outcome: ChargeOutcome | null,
  meta: RequestMeta,
): Invoice {
  if (invoice.status === 'paid') {
    throw invalidRequest('Invoice is already paid');
  }
  if (invoice.status === 'void') {
    throw invalidRequest('This invoice can no longer be paid because it has been voided.', {
      code: 'invoice_not_editable',
    });
  }
  const subscription = subscriptionOfInvoice(state, invoice);
  if (invoice.status === 'draft') {
    finalizeInvoice(state, invoice, subscription, meta);
    if (invoice.status === 'paid') return invoice;
  }
  const customer = invoice.customer as string;
  let paymentMethod: Stripe.PaymentMethod | null;
  if (paymentMethodId) {
    paymentMethod = resolvePaymentMethod(state, paymentMethodId, customer);
    if (paymentMethod.customer && paymentMethod.customer !== customer) {
      throw invalidRequest(
        `The customer does not have a payment method with the ID ${paymentMethodId}. The payment method must be attached to the customer.`,
        { code: 'resource_missing', param: 'payment_method' },
      );
    }
    if (!paymentMethod.customer) paymentMethod.customer = customer;
    noteAttached(state, paymentMethod, meta);
  } else {
    paymentMethod = defaultPaymentMethod(state, invoice, subscription);
    if (!paymentMethod && outcome === 'succeed') {
      paymentMethod = resolvePaymentMethod(state, 'pm_card_visa', customer);
    }
  }
  const intent = invoiceIntent(state, invoice);
  if (intent && intent.status === 'requires_action' && !paymentMethodId && outcome === null) {
    throw new StandInError({
      status: 402,
      type: 'card_error',
      code: 'invoice_payment_intent_requires_action',
      message:
        'This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice.',
      extra: { payment_intent: snapshot(intent) },
    });
  }
  if (intent && intent.status === 'requires_action') intent.status = 'requires_payment_method';
  if (!paymentMethod) {
    throw invalidRequest(
      'This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.',
      { code: 'missing' },
    );
  }
  const error = chargeInvoice(state, invoice, paymentMethod, outcome, null, meta);
  if (error) throw error;
  return invoice;
}

// ---------------------------------------------------------------------------------------------
// Routes

function getInvoice(state: StandInState, id: string): Invoice {
  return state.store.get<Invoice>('invoice', id);
}

const SUBSCRIPTION_STATUSES = [
  'active',
  'all',
  'canceled',
  'ended',
  'incomplete',
  'incomplete_expired',
  'past_due',
  'paused',
  'trialing',
  'unpaid',
] as const;

export const subscriptionRoutes: Route[] = [
  route('POST', '/v1/subscriptions', createShape, ({ state, params, meta }) => {
    const { expand: paths, ...rest } = params;
    return expand(state, createSubscription(state, rest, meta), paths);
  }),
  route('GET', '/v1/subscriptions/:id', retrieve, ({ state, params, path }) =>
    expand(state, getSubscription(state, path.id), params.expand),
  ),
  route('POST', '/v1/subscriptions/:id', updateShape, ({ state, params, path, meta }) => {
    const { expand: paths, ...rest } = params;
    return expand(
      state,
      updateSubscription(state, getSubscription(state, path.id), rest, meta),
      paths,
    );
  }),
  route(
    'DELETE',
    '/v1/subscriptions/:id',
    {
      cancellation_details: cancellationDetailsShape,
      expand: p.stringList(),
      invoice_now: p.boolean(),
      prorate: p.boolean(),
    },
    ({ state, params, path, meta }) => {
      const subscription = getSubscription(state, path.id);
      endSubscription(
        state,
        subscription,
        'cancellation_requested',
        params.cancellation_details ?? null,
        meta,
      );
      return expand(state, subscription, params.expand);
    },
  ),
  route(
    'GET',
    '/v1/subscriptions',
    {
      ...pagination,
      created: p.range(),
      customer: p.string(),
      price: p.string(),
      status: p.oneOf(...SUBSCRIPTION_STATUSES),
    },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<Subscription>('subscription', params, '/v1/subscriptions', (sub) => {
          const status = params.status ?? null;
          const statusMatches =
            status === 'all'
              ? true
              : status === 'ended'
                ? sub.status === 'canceled' || sub.status === 'incomplete_expired'
                : status
                  ? sub.status === status
                  : sub.status !== 'canceled';
          return (
            statusMatches &&
            inRange(sub.created, params.created) &&
            (!params.customer || sub.customer === params.customer) &&
            (!params.price || sub.items.data.some((item) => item.price.id === params.price))
          );
        }),
        params.expand,
      ),
  ),
];

export const invoiceRoutes: Route[] = [
  route('GET', '/v1/invoices/:id', retrieve, ({ state, params, path }) =>
    expand(state, getInvoice(state, path.id), params.expand),
  ),
  route(
    'GET',
    '/v1/invoices',
    {
      ...pagination,
      collection_method: p.oneOf('charge_automatically', 'send_invoice'),
      created: p.range(),
      customer: p.string(),
      status: p.oneOf('draft', 'open', 'paid', 'uncollectible', 'void'),
      subscription: p.string(),
    },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<Invoice>(
          'invoice',
          params,
          '/v1/invoices',
          (invoice) =>
            inRange(invoice.created, params.created) &&
            (!params.customer || invoice.customer === params.customer) &&
            (!params.status || invoice.status === params.status) &&
            (!params.collection_method || invoice.collection_method === params.collection_method) &&
            (!params.subscription ||
              invoice.parent?.subscription_details?.subscription === params.subscription),
        ),
        params.expand,
      ),
  ),
  route('GET', '/v1/invoices/:id/lines', pagination, ({ state, params, path }) => {
    const invoice = getInvoice(state, path.id);
    const lines = [...invoice.lines.data] as (Stripe.InvoiceLineItem & { id: string })[];
    return expand(
      state,
      { ...invoice.lines, ...paginateLines(lines, params, `/v1/invoices/${invoice.id}/lines`) },
      params.expand,
    );
  }),
  route(
    'POST',
    '/v1/invoices/:id/pay',
    {
      expand: p.stringList(),
      off_session: p.boolean(),
      paid_out_of_band: p.boolean(),
      payment_method: p.string(),
    },
    ({ state, params, path, meta }) => {
      const invoice = getInvoice(state, path.id);
      if (params.paid_out_of_band) {
        if (invoice.status === 'paid') {
          throw invalidRequest('Invoice is already paid');
        }
        if (invoice.status === 'draft')
          finalizeInvoice(state, invoice, subscriptionOfInvoice(state, invoice), meta);
        const intent = invoiceIntent(state, invoice);
        if (intent && !['succeeded', 'canceled', 'processing'].includes(intent.status)) {
          cancelPaymentIntent(state, intent, null, meta);
        }
        markInvoicePaid(state, invoice, null, meta);
        return expand(state, invoice, params.expand);
      }
      return expand(
        state,
        payInvoice(state, invoice, params.payment_method ?? null, null, meta),
        params.expand,
      );
    },
  ),
  route('POST', '/v1/invoices/:id/void', retrieve, ({ state, params, path, meta }) => {
    const invoice = getInvoice(state, path.id);
    voidInvoice(state, invoice, meta);
    return expand(state, invoice, params.expand);
  }),
  route(
    'POST',
    '/v1/invoices/:id/mark_uncollectible',
    retrieve,
    ({ state, params, path, meta }) => {
      const invoice = getInvoice(state, path.id);
      markUncollectible(state, invoice, meta);
      return expand(state, invoice, params.expand);
    },
  ),
];

function paginateLines<T extends { id: string }>(
  lines: T[],
  params: { limit?: number | null; starting_after?: string | null },
  url: string,
) {
  const start = params.starting_after
    ? lines.findIndex((line) => line.id === params.starting_after) + 1
    : 0;
  const limit = params.limit ?? 10;
  const page = lines.slice(start, start + limit);
  return { object: 'list' as const, data: page, has_more: start + limit < lines.length, url };
}

export const invoicePaymentRoutes: Route[] = [
  route('GET', '/v1/invoice_payments/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('invoice_payment', path.id), params.expand),
  ),
  route(
    'GET',
    '/v1/invoice_payments',
    {
      ...pagination,
      created: p.range(),
      invoice: p.string(),
      payment: p.object({
        payment_intent: p.string(),
        payment_record: p.string(),
        type: p.requiredOneOf('payment_intent', 'payment_record'),
      }),
      status: p.oneOf('canceled', 'open', 'paid'),
    },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<InvoicePayment>(
          'invoice_payment',
          params,
          '/v1/invoice_payments',
          (payment) =>
            inRange(payment.created, params.created) &&
            (!params.invoice || payment.invoice === params.invoice) &&
            (!params.status || payment.status === params.status) &&
            (!params.payment ||
              (payment.payment.type === params.payment.type &&
                (!params.payment.payment_intent ||
                  payment.payment.payment_intent === params.payment.payment_intent))),
        ),
        params.expand,
      ),
  ),
];
