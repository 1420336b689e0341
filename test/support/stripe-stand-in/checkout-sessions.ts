/**
 * Checkout Sessions in `payment` and `subscription` mode. As in current Stripe API versions,
 * the PaymentIntent (payment mode) or the Customer and Subscription (subscription mode) are
 * created when the customer pays, not with the session. Completion is driven by the control
 * endpoints (or the simulated payment page): `paid` for cards, `unpaid` for asynchronous
 * methods, then `async_succeed` / `async_fail` (payment mode only: subscription mode is paid
 * by card here). A subscription-mode completion makes the customer, a card, and the
 * subscription whose first invoice is charged (subscriptions.ts), and sends
 * `checkout.session.completed` first, then `customer.subscription.created`, `invoice.paid`, ….
 */
import type Stripe from 'stripe';
import { assertChargeAmount, normalizeCurrency } from './currency';
import { invalidRequest, missingParameter } from './errors';
import { expand } from './expand';
import { newId, randomToken } from './ids';
import { applyChanges, fromFixture, mergeMetadata } from './objects';
import { inRange, p, pagination, Params, retrieve } from './params';
import {
  createPaymentIntent,
  failPaymentIntent,
  markProcessing,
  succeedPaymentIntent,
} from './payment-intents';
import { route, Route } from './router';
import { createCustomer } from './customers';
import { attachToCustomer } from './payment-methods';
import { recurringShape } from './products-prices';
import { createSubscription } from './subscriptions';
import { RequestMeta, StandInState } from './state';
import { paginate } from './store';

type Session = Stripe.Checkout.Session;

const lineItemShape = {
  price: p.string(),
  price_data: p.object({
    currency: p.requiredString(),
    product: p.string(),
    product_data: p.object({
      description: p.string(),
      images: p.stringList(8),
      metadata: p.metadata(),
      name: p.requiredString(),
    }),
    recurring: p.object(recurringShape),
    tax_behavior: p.oneOf('exclusive', 'inclusive', 'unspecified'),
    unit_amount: p.integer(0),
  }),
  quantity: p.integer(1),
};

const createShape = {
  cancel_url: p.string(),
  client_reference_id: p.string(200),
  customer: p.string(),
  customer_creation: p.oneOf('always', 'if_required'),
  customer_email: p.string(800),
  expand: p.stringList(),
  expires_at: p.integer(),
  line_items: p.listOf(lineItemShape),
  locale: p.string(),
  metadata: p.metadata(),
  mode: p.requiredOneOf('payment', 'subscription'),
  payment_intent_data: p.object({
    description: p.string(1000),
    metadata: p.metadata(),
    receipt_email: p.string(800),
    setup_future_usage: p.oneOf('off_session', 'on_session'),
    statement_descriptor_suffix: p.string(22),
  }),
  payment_method_types: p.stringList(),
  submit_type: p.oneOf('auto', 'book', 'donate', 'pay', 'subscribe'),
  subscription_data: p.object({
    description: p.string(500),
    metadata: p.metadata(),
  }),
  success_url: p.string(),
  ui_mode: p.oneOf('hosted'),
};

type LineItemParams = Params<typeof lineItemShape>;

interface SessionInternals extends Record<string, unknown> {
  paymentIntentData: Params<typeof createShape>['payment_intent_data'];
  subscriptionData: Params<typeof createShape>['subscription_data'];
}

function inlinePrice(
  state: StandInState,
  data: NonNullable<LineItemParams['price_data']>,
  param: string,
): Stripe.Price {
  const currency = normalizeCurrency(data.currency, `${param}[currency]`);
  if (data.unit_amount === undefined || data.unit_amount === null) {
    throw missingParameter(`${param}[unit_amount]`);
  }
  let productId: string;
  if (data.product) {
    productId = state.store.get<Stripe.Product>('product', data.product, `${param}[product]`).id;
  } else if (data.product_data) {
    const created = state.now();
    productId = state.insert(
      fromFixture<Stripe.Product>(
        'product',
        {
          active: false,
          created,
          default_price: null,
          description: data.product_data.description ?? null,
          id: newId('prod', 14),
          images: data.product_data.images ?? [],
          livemode: false,
          marketing_features: [],
          metadata: mergeMetadata({}, data.product_data.metadata),
          name: data.product_data.name,
          object: 'product',
          package_dimensions: null,
          shippable: null,
          statement_descriptor: null,
          tax_code: null,
          tax_details: null,
          unit_label: null,
          updated: created,
          url: null,
          type: 'service',
        },
        { extra: ['tax_details'] },
      ),
    ).id;
  } else {
    throw missingParameter(`${param}[product_data]`);
  }
  return state.insert(
    fromFixture<Stripe.Price>('price', {
      active: false,
      billing_scheme: 'per_unit',
      created: state.now(),
      currency,
      custom_unit_amount: null,
      id: newId('price'),
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: null,
      object: 'price',
      product: productId,
      recurring: data.recurring
        ? {
            interval: data.recurring.interval,
            interval_count: data.recurring.interval_count ?? 1,
            meter: null,
            usage_type: 'licensed',
            trial_period_days: null,
          }
        : null,
      tax_behavior: data.tax_behavior ?? 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: data.recurring ? 'recurring' : 'one_time',
      unit_amount: data.unit_amount,
      // A decimal string on the wire (the SDK's type is its Decimal class).
      unit_amount_decimal: String(
        data.unit_amount,
      ) as unknown as Stripe.Price['unit_amount_decimal'],
    }),
  );
}

function lineItem(state: StandInState, params: LineItemParams, index: number): Stripe.LineItem {
  const param = `line_items[${index}]`;
  let price: Stripe.Price;
  if (params.price) price = state.store.get<Stripe.Price>('price', params.price, `${param}[price]`);
  else if (params.price_data) price = inlinePrice(state, params.price_data, `${param}[price_data]`);
  else throw missingParameter(`${param}[price]`);
  const quantity = params.quantity ?? 1;
  const amount = (price.unit_amount ?? 0) * quantity;
  const product =
    typeof price.product === 'string'
      ? state.store.find(price.product)
      : (price.product as { name?: string } | null);
  return fromFixture<Stripe.LineItem>('item', {
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: (product as { name?: string } | undefined)?.name ?? '',
    id: newId('li'),
    object: 'item',
    price,
    quantity,
    metadata: {},
    adjustable_quantity: null,
  });
}

export function createCheckoutSession(
  state: StandInState,
  params: Params<typeof createShape>,
): Session {
  if (!params.line_items || params.line_items.length === 0) throw missingParameter('line_items');
  const items = params.line_items.map((item, index) => lineItem(state, item, index));
  const currency = items[0].currency;
  if (items.some((item) => item.currency !== currency)) {
    throw invalidRequest('All line items must use the same currency.', {
      param: 'line_items',
    });
  }
  const total = items.reduce((sum, item) => sum + item.amount_total, 0);
  assertChargeAmount(total, currency, 'line_items');
  const subscription = params.mode === 'subscription';
  const recurring = items.some((item) => item.price?.type === 'recurring');
  if (subscription && !recurring) {
    throw invalidRequest(
      'You must provide at least one recurring price in `subscription` mode when using prices.',
      { param: 'line_items' },
    );
  }
  if (!subscription && recurring) {
    throw invalidRequest(
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
      { param: 'line_items' },
    );
  }
  if (subscription && params.payment_intent_data) {
    throw invalidRequest('You can not pass `payment_intent_data` in `subscription` mode.', {
      param: 'payment_intent_data',
    });
  }
  if (!subscription && params.subscription_data) {
    throw invalidRequest('You can not pass `subscription_data` in `payment` mode.', {
      param: 'subscription_data',
    });
  }
  if (
    subscription &&
    params.submit_type &&
    params.submit_type !== 'auto' &&
    params.submit_type !== 'subscribe'
  ) {
    throw invalidRequest(
      '`submit_type` can only be `auto` or `subscribe` in `subscription` mode.',
      { param: 'submit_type' },
    );
  }
  const customer = params.customer
    ? state.store.get<Stripe.Customer>('customer', params.customer, 'customer')
    : null;
  const created = state.now();
  if (
    params.expires_at &&
    (params.expires_at < created + 1800 || params.expires_at > created + 86400)
  ) {
    throw invalidRequest(
      'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
      { param: 'expires_at' },
    );
  }
  const id = `cs_test_${randomToken(58)}`;
  const session = state.insert(
    fromFixture<Session>(
      'checkout.session',
      {
        after_expiration: null,
        allow_promotion_codes: null,
        allowed_payment_method_types: null,
        amount_subtotal: total,
        amount_total: total,
        automatic_tax: { enabled: false, liability: null, provider: null, status: null },
        billing_address_collection: null,
        cancel_url: params.cancel_url ?? null,
        client_reference_id: params.client_reference_id ?? null,
        client_secret: null,
        consent: null,
        consent_collection: null,
        created,
        currency,
        custom_fields: [],
        custom_text: {
          after_submit: null,
          shipping_address: null,
          submit: null,
          terms_of_service_acceptance: null,
        },
        customer: customer?.id ?? null,
        // Subscription mode always makes a customer: customer_creation is for payment mode.
        customer_creation:
          customer || subscription ? null : (params.customer_creation ?? 'if_required'),
        customer_details: null,
        customer_email: params.customer_email ?? null,
        expires_at: params.expires_at ?? created + 86400,
        id,
        invoice: null,
        invoice_creation: {
          enabled: false,
          invoice_data: {
            account_tax_ids: null,
            custom_fields: null,
            description: null,
            footer: null,
            issuer: null,
            metadata: {},
            rendering_options: null,
          },
        },
        livemode: false,
        locale: (params.locale ?? null) as Stripe.Checkout.Session.Locale | null,
        metadata: mergeMetadata({}, params.metadata),
        mode: params.mode,
        object: 'checkout.session',
        payment_intent: null,
        payment_link: null,
        payment_method_collection: subscription ? 'always' : 'if_required',
        payment_method_configuration_details: null,
        payment_method_options: {},
        payment_method_types: params.payment_method_types ?? ['card'],
        payment_status: 'unpaid',
        phone_number_collection: { enabled: false },
        recovered_from: null,
        saved_payment_method_options: null,
        setup_intent: null,
        shipping_address_collection: null,
        shipping_cost: null,
        shipping_options: [],
        status: 'open',
        submit_type: params.submit_type ?? null,
        subscription: null,
        success_url: params.success_url ?? null,
        total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
        ui_mode: 'hosted',
        url: `${state.publicUrl}/c/pay/${id}`,
        adaptive_pricing: { enabled: false },
        discounts: [],
        collected_information: null,
        permissions: null,
        wallet_options: null,
        origin_context: null,
        currency_conversion: null,
        customer_account: null,
        integration_identifier: null,
        managed_payments: null,
      },
      { extra: ['allowed_payment_method_types'] },
    ),
  );
  state.lineItems.set(id, items);
  state.internal<SessionInternals>(id).paymentIntentData = params.payment_intent_data;
  state.internal<SessionInternals>(id).subscriptionData = params.subscription_data;
  return session;
}

function assertOpen(session: Session): void {
  if (session.status !== 'open') {
    throw invalidRequest(
      `This Checkout Session is not open (status ${String(session.status)}) and cannot be completed or expired.`,
      { code: 'checkout_session_not_open' },
    );
  }
}

export interface CompleteOptions {
  payment_status?: 'paid' | 'unpaid' | null;
  /** The email the customer typed on the payment page, when the session had none. */
  email?: string | null;
}

export function completeCheckoutSession(
  state: StandInState,
  session: Session,
  options: CompleteOptions,
  meta: RequestMeta,
): Session {
  assertOpen(session);
  if (session.mode === 'subscription')
    return completeSubscriptionSession(state, session, options, meta);
  const customer =
    typeof session.customer === 'string'
      ? state.store.get<Stripe.Customer>('customer', session.customer)
      : null;
  const email = session.customer_email ?? customer?.email ?? options.email ?? null;
  const data = state.internal<SessionInternals>(session.id).paymentIntentData ?? {};
  const intent = createPaymentIntent(
    state,
    {
      amount: session.amount_total ?? 0,
      currency: session.currency ?? state.settings.defaultCurrency,
      customer: customer?.id ?? null,
      description: data.description ?? null,
      metadata: data.metadata ?? null,
      payment_method_types: session.payment_method_types,
      receipt_email: data.receipt_email ?? null,
      setup_future_usage: data.setup_future_usage ?? null,
      statement_descriptor_suffix: data.statement_descriptor_suffix ?? null,
    },
    meta,
  );
  const paid = (options.payment_status ?? 'paid') === 'paid';
  if (paid) succeedPaymentIntent(state, intent, {}, meta);
  else markProcessing(state, intent, meta);
  applyChanges(session, {
    customer_details: {
      address: null,
      email,
      name: null,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
      business_name: null,
      individual_name: null,
    },
    payment_intent: intent.id,
    payment_status: paid ? 'paid' : 'unpaid',
    status: 'complete',
    url: null,
  });
  state.emit('checkout.session.completed', session, meta);
  return session;
}

/**
 * Subscription mode: the customer (the session's, else a new one with the email given), the
 * card entered (a test visa), and the subscription of the session's line items, whose first
 * invoice is charged to that card (subscriptions.ts sends its events). Stripe sends
 * `checkout.session.completed` before them: the subscription's events are held until then.
 */
function completeSubscriptionSession(
  state: StandInState,
  session: Session,
  options: CompleteOptions,
  meta: RequestMeta,
): Session {
  if ((options.payment_status ?? 'paid') !== 'paid') {
    throw invalidRequest(
      'The stand-in completes subscription-mode Checkout Sessions with a card only (payment_status paid).',
    );
  }
  const data = state.internal<SessionInternals>(session.id).subscriptionData ?? {};
  const items = state.lineItems.get(session.id) ?? [];
  const held: Stripe.Event[] = [];
  const deliver = state.onEvent;
  state.onEvent = (event) => held.push(event);
  let customer: Stripe.Customer;
  let subscription: Stripe.Subscription;
  try {
    customer =
      typeof session.customer === 'string'
        ? state.store.get<Stripe.Customer>('customer', session.customer)
        : createCustomer(state, { email: session.customer_email ?? options.email ?? null }, meta);
    const card = attachToCustomer(state, 'pm_card_visa', customer.id, meta);
    subscription = createSubscription(
      state,
      {
        customer: customer.id,
        items: items.map((item) => ({ price: item.price!.id, quantity: item.quantity ?? 1 })),
        default_payment_method: card.id,
        description: data.description ?? null,
        metadata: data.metadata ?? null,
        payment_behavior: 'allow_incomplete',
      },
      meta,
    );
  } finally {
    state.onEvent = deliver;
  }
  applyChanges(session, {
    customer: customer.id,
    customer_details: {
      address: null,
      email: customer.email,
      name: null,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
      business_name: null,
      individual_name: null,
    },
    invoice: subscription.latest_invoice,
    payment_status: subscription.status === 'active' ? 'paid' : 'unpaid',
    status: 'complete',
    subscription: subscription.id,
    url: null,
  });
  state.emit('checkout.session.completed', session, meta);
  for (const event of held) deliver(event);
  return session;
}

function asyncPaymentIntent(state: StandInState, session: Session): Stripe.PaymentIntent {
  if (session.status !== 'complete' || session.payment_status !== 'unpaid') {
    throw invalidRequest(
      'Only a completed Checkout Session with payment_status unpaid awaits an asynchronous payment.',
    );
  }
  return state.store.get<Stripe.PaymentIntent>('payment_intent', String(session.payment_intent));
}

export function succeedAsyncPayment(
  state: StandInState,
  session: Session,
  meta: RequestMeta,
): Session {
  succeedPaymentIntent(state, asyncPaymentIntent(state, session), {}, meta);
  session.payment_status = 'paid';
  state.emit('checkout.session.async_payment_succeeded', session, meta);
  return session;
}

export function failAsyncPayment(
  state: StandInState,
  session: Session,
  meta: RequestMeta,
): Session {
  failPaymentIntent(
    state,
    asyncPaymentIntent(state, session),
    {
      code: 'payment_method_provider_decline',
      message: 'The payment was declined by the provider.',
    },
    meta,
  );
  state.emit('checkout.session.async_payment_failed', session, meta);
  return session;
}

export function expireCheckoutSession(
  state: StandInState,
  session: Session,
  meta: RequestMeta,
): Session {
  assertOpen(session);
  applyChanges(session, { status: 'expired', url: null });
  state.emit('checkout.session.expired', session, meta);
  return session;
}

/** Time moved on: open sessions past `expires_at` expire. */
export function expireDueSessions(state: StandInState, meta: RequestMeta): void {
  const now = state.now();
  for (const session of state.store.all<Session>('checkout.session')) {
    if (session.status === 'open' && session.expires_at <= now) {
      expireCheckoutSession(state, session, meta);
    }
  }
}

export function getCheckoutSession(state: StandInState, id: string): Session {
  return state.store.get<Session>('checkout.session', id);
}

export const checkoutSessionRoutes: Route[] = [
  route('POST', '/v1/checkout/sessions', createShape, ({ state, params }) =>
    expand(state, createCheckoutSession(state, params), params.expand),
  ),
  route('GET', '/v1/checkout/sessions/:id', retrieve, ({ state, params, path }) =>
    expand(state, getCheckoutSession(state, path.id), params.expand),
  ),
  route('POST', '/v1/checkout/sessions/:id/expire', { expand: p.stringList() }, (context) =>
    expand(
      context.state,
      expireCheckoutSession(
        context.state,
        getCheckoutSession(context.state, context.path.id),
        context.meta,
      ),
      context.params.expand,
    ),
  ),
  route('GET', '/v1/checkout/sessions/:id/line_items', pagination, ({ state, params, path }) => {
    const session = getCheckoutSession(state, path.id);
    const items = [...(state.lineItems.get(session.id) ?? [])];
    const url = `/v1/checkout/sessions/${session.id}/line_items`;
    return expand(state, paginate(items, params, url, 'item'), params.expand);
  }),
  route(
    'GET',
    '/v1/checkout/sessions',
    {
      ...pagination,
      created: p.range(),
      customer: p.string(),
      payment_intent: p.string(),
      status: p.oneOf('complete', 'expired', 'open'),
    },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<Session>(
          'checkout.session',
          params,
          '/v1/checkout/sessions',
          (session) =>
            inRange(session.created, params.created) &&
            (!params.customer || session.customer === params.customer) &&
            (!params.payment_intent || session.payment_intent === params.payment_intent) &&
            (!params.status || session.status === params.status),
        ),
        params.expand,
      ),
  ),
];
