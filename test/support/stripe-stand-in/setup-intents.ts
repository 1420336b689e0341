/**
 * SetupIntents: save a card for later (off-session) payments. Confirming with a payment
 * method attaches it to the customer; what happens follows the card, as with PaymentIntents
 * (declines fail the setup, 3-D Secure cards require an action). Control endpoints succeed
 * or fail a SetupIntent directly.
 */
import type Stripe from 'stripe';
import { invalidRequest, StandInError, unexpectedState } from './errors';
import { expand } from './expand';
import { newId, randomToken } from './ids';
import { fromFixture, mergeMetadata, snapshot } from './objects';
import { inRange, p, pagination, Params, retrieve } from './params';
import { attachToCustomer, behaviourOf, Decline, resolvePaymentMethod } from './payment-methods';
import { route, Route } from './router';
import { RequestMeta, StandInState } from './state';

type SetupIntent = Stripe.SetupIntent;

const CONFIRMABLE: Stripe.SetupIntent.Status[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
];

const createShape = {
  automatic_payment_methods: p.object({
    allow_redirects: p.oneOf('always', 'never'),
    enabled: p.boolean(),
  }),
  confirm: p.boolean(),
  customer: p.string(),
  description: p.string(1000),
  expand: p.stringList(),
  metadata: p.metadata(),
  allowed_payment_method_types: p.stringList(),
  payment_method: p.string(),
  payment_method_types: p.stringList(),
  return_url: p.string(),
  usage: p.oneOf('off_session', 'on_session'),
};

const updateShape = {
  customer: p.string(),
  description: p.string(1000),
  expand: p.stringList(),
  metadata: p.metadata(),
  payment_method: p.string(),
  payment_method_types: p.stringList(),
};

const confirmShape = {
  expand: p.stringList(),
  payment_method: p.string(),
  return_url: p.string(),
};

export function getSetupIntent(state: StandInState, id: string): SetupIntent {
  return state.store.get<SetupIntent>('setup_intent', id);
}

function createSetupIntent(
  state: StandInState,
  params: Omit<Params<typeof createShape>, 'expand'>,
  meta: RequestMeta,
): SetupIntent {
  const customer = params.customer
    ? state.store.get<Stripe.Customer>('customer', params.customer, 'customer').id
    : null;
  const explicitTypes = params.payment_method_types ?? params.allowed_payment_method_types ?? null;
  if (explicitTypes && params.automatic_payment_methods?.enabled) {
    throw invalidRequest(
      `You may only specify one of these parameters: automatic_payment_methods, ${params.payment_method_types ? 'payment_method_types' : 'allowed_payment_method_types'}.`,
      { param: 'automatic_payment_methods' },
    );
  }
  const paymentMethod = params.payment_method
    ? resolvePaymentMethod(state, params.payment_method, null)
    : null;
  const id = newId('seti');
  const intent = state.insert(
    fromFixture<SetupIntent>(
      'setup_intent',
      {
        allowed_payment_method_types: (params.allowed_payment_method_types ??
          null) as SetupIntent['allowed_payment_method_types'],
        application: null,
        automatic_payment_methods: explicitTypes
          ? null
          : {
              enabled: true,
              ...(params.automatic_payment_methods?.allow_redirects
                ? { allow_redirects: params.automatic_payment_methods.allow_redirects }
                : {}),
            },
        cancellation_reason: null,
        client_secret: `${id}_secret_${randomToken(32)}`,
        created: state.now(),
        customer,
        description: params.description ?? null,
        flow_directions: null,
        id,
        last_setup_error: null,
        latest_attempt: null,
        livemode: false,
        mandate: null,
        metadata: mergeMetadata({}, params.metadata),
        next_action: null,
        object: 'setup_intent',
        on_behalf_of: null,
        payment_method: paymentMethod?.id ?? null,
        payment_method_configuration_details: null,
        payment_method_options: {
          card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
        },
        payment_method_types: explicitTypes ?? ['card'],
        single_use_mandate: null,
        status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
        usage: params.usage ?? 'off_session',
        excluded_payment_method_types: null,
      },
      { extra: ['allowed_payment_method_types'] },
    ),
  );
  if (params.return_url) state.internal(id).returnUrl = params.return_url;
  state.emit('setup_intent.created', intent, meta);
  if (params.confirm) confirmSetupIntent(state, intent, {}, meta);
  return intent;
}

/** The card is saved: attached to the customer (if any), `setup_intent.succeeded`. */
export function succeedSetupIntent(
  state: StandInState,
  intent: SetupIntent,
  paymentMethodId: string | null,
  meta: RequestMeta,
): SetupIntent {
  if (!CONFIRMABLE.includes(intent.status)) {
    throw unexpectedState(
      `This SetupIntent's status is ${intent.status}, so it cannot be marked succeeded.`,
    );
  }
  const customer = typeof intent.customer === 'string' ? intent.customer : null;
  const id =
    paymentMethodId ??
    (typeof intent.payment_method === 'string' ? intent.payment_method : 'pm_card_visa');
  const paymentMethod = customer
    ? attachToCustomer(state, id, customer, meta)
    : resolvePaymentMethod(state, id, null);
  Object.assign(intent, {
    last_setup_error: null,
    next_action: null,
    payment_method: paymentMethod.id,
    status: 'succeeded',
  } satisfies Partial<SetupIntent>);
  state.emit('setup_intent.succeeded', intent, meta);
  return intent;
}

/** The setup failed: back to requires_payment_method, `setup_intent.setup_failed`. */
export function failSetupIntent(
  state: StandInState,
  intent: SetupIntent,
  decline: Decline,
  meta: RequestMeta,
): StandInError {
  if (!CONFIRMABLE.includes(intent.status)) {
    throw unexpectedState(
      `This SetupIntent's status is ${intent.status}, so it cannot be marked failed.`,
    );
  }
  const paymentMethod =
    typeof intent.payment_method === 'string'
      ? state.store.get<Stripe.PaymentMethod>('payment_method', intent.payment_method)
      : resolvePaymentMethod(state, 'pm_card_visa_chargeDeclined', null);
  Object.assign(intent, {
    last_setup_error: {
      code: decline.code as Stripe.SetupIntent.LastSetupError.Code,
      ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
      doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
      message: decline.message,
      payment_method: snapshot(paymentMethod),
      payment_method_type: 'card',
      type: 'card_error',
    },
    next_action: null,
    payment_method: null,
    status: 'requires_payment_method',
  } satisfies Partial<SetupIntent>);
  state.emit('setup_intent.setup_failed', intent, meta);
  return new StandInError({
    status: 402,
    type: 'card_error',
    code: decline.code,
    declineCode: decline.declineCode,
    message: decline.message,
    extra: { payment_method: snapshot(paymentMethod) },
  });
}

export function confirmSetupIntent(
  state: StandInState,
  intent: SetupIntent,
  params: Omit<Params<typeof confirmShape>, 'expand'>,
  meta: RequestMeta,
): SetupIntent {
  if (!CONFIRMABLE.includes(intent.status)) {
    throw invalidRequest(
      intent.status === 'succeeded'
        ? 'You cannot confirm this SetupIntent because it has already succeeded.'
        : `You cannot confirm this SetupIntent because it has a status of ${intent.status}.`,
      { code: 'setup_intent_unexpected_state' },
    );
  }
  if (params.return_url) state.internal(intent.id).returnUrl = params.return_url;
  if (params.payment_method) {
    intent.payment_method = resolvePaymentMethod(state, params.payment_method, null).id;
  }
  if (typeof intent.payment_method !== 'string') {
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
      { code: 'setup_intent_unexpected_state' },
    );
  }
  const paymentMethod = state.store.get<Stripe.PaymentMethod>(
    'payment_method',
    intent.payment_method,
  );
  const behaviour = behaviourOf(paymentMethod);
  if (behaviour.kind === 'decline') throw failSetupIntent(state, intent, behaviour.decline, meta);
  if (behaviour.kind === 'authenticate' && intent.status !== 'requires_action') {
    Object.assign(intent, {
      next_action: {
        type: 'redirect_to_url',
        redirect_to_url: {
          return_url: (state.internal(intent.id).returnUrl as string | undefined) ?? null,
          url: `${state.publicUrl}/authenticate/${intent.id}`,
        },
      },
      status: 'requires_action',
    } satisfies Partial<SetupIntent>);
    state.emit('setup_intent.requires_action', intent, meta);
    return intent;
  }
  return succeedSetupIntent(state, intent, null, meta);
}

export const setupIntentRoutes: Route[] = [
  route('POST', '/v1/setup_intents', createShape, ({ state, params, meta }) => {
    const { expand: paths, ...rest } = params;
    return expand(state, createSetupIntent(state, rest, meta), paths);
  }),
  route('GET', '/v1/setup_intents/:id', { ...retrieve, client_secret: p.string() }, (c) =>
    expand(c.state, getSetupIntent(c.state, c.path.id), c.params.expand),
  ),
  route('POST', '/v1/setup_intents/:id', updateShape, ({ state, params, path }) => {
    const intent = getSetupIntent(state, path.id);
    if (params.customer !== undefined) {
      intent.customer = params.customer
        ? state.store.get<Stripe.Customer>('customer', params.customer, 'customer').id
        : null;
    }
    if (params.description !== undefined) intent.description = params.description;
    if (params.metadata !== undefined) {
      intent.metadata = mergeMetadata(intent.metadata, params.metadata);
    }
    if (params.payment_method_types) {
      intent.payment_method_types = params.payment_method_types;
      intent.automatic_payment_methods = null;
    }
    if (params.payment_method) {
      if (!CONFIRMABLE.includes(intent.status)) {
        throw invalidRequest(
          `You cannot update this SetupIntent because it has a status of ${intent.status}.`,
          { code: 'setup_intent_unexpected_state' },
        );
      }
      intent.payment_method = resolvePaymentMethod(state, params.payment_method, null).id;
      intent.status = 'requires_confirmation';
    }
    return expand(state, intent, params.expand);
  }),
  route('POST', '/v1/setup_intents/:id/confirm', confirmShape, ({ state, params, path, meta }) => {
    const { expand: paths, ...rest } = params;
    return expand(
      state,
      confirmSetupIntent(state, getSetupIntent(state, path.id), rest, meta),
      paths,
    );
  }),
  route(
    'POST',
    '/v1/setup_intents/:id/cancel',
    {
      cancellation_reason: p.oneOf('abandoned', 'duplicate', 'requested_by_customer'),
      expand: p.stringList(),
    },
    ({ state, params, path, meta }) => {
      const intent = getSetupIntent(state, path.id);
      if (!CONFIRMABLE.includes(intent.status)) {
        throw invalidRequest(
          `You cannot cancel this SetupIntent because it has a status of ${intent.status}.`,
          { code: 'setup_intent_unexpected_state' },
        );
      }
      Object.assign(intent, {
        cancellation_reason: params.cancellation_reason ?? null,
        next_action: null,
        status: 'canceled',
      } satisfies Partial<SetupIntent>);
      state.emit('setup_intent.canceled', intent, meta);
      return expand(state, intent, params.expand);
    },
  ),
  route(
    'GET',
    '/v1/setup_intents',
    { ...pagination, created: p.range(), customer: p.string(), payment_method: p.string() },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<SetupIntent>(
          'setup_intent',
          params,
          '/v1/setup_intents',
          (intent) =>
            inRange(intent.created, params.created) &&
            (!params.customer || intent.customer === params.customer) &&
            (!params.payment_method || intent.payment_method === params.payment_method),
        ),
        params.expand,
      ),
  ),
];
