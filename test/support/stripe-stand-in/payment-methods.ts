/**
 * Payment methods. Stripe's test tokens (`pm_card_visa`, `pm_card_chargeDeclined`, ...) turn
 * into a new `pm_...` object on use, as in Stripe; what happens on confirmation follows the
 * card's last four digits, as with Stripe's test card numbers.
 */
import type Stripe from 'stripe';
import { invalidRequest } from './errors';
import { expand } from './expand';
import { newId, randomToken } from './ids';
import { fixtureValue, fromFixture } from './objects';
import { p, pagination, retrieve } from './params';
import { route, Route } from './router';
import { RequestMeta, StandInState } from './state';
import { PageParams } from './store';

export interface Decline {
  code: string;
  declineCode?: string;
  message: string;
}

export type CardBehaviour =
  { kind: 'succeed' } | { kind: 'decline'; decline: Decline } | { kind: 'authenticate' };

export const GENERIC_DECLINE: Decline = {
  code: 'card_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
};

const INSUFFICIENT_FUNDS: Decline = {
  code: 'card_declined',
  declineCode: 'insufficient_funds',
  message: 'Your card has insufficient funds.',
};

const EXPIRED_CARD: Decline = {
  code: 'expired_card',
  declineCode: 'expired_card',
  message: 'Your card has expired.',
};

interface TestCard {
  brand: string;
  last4: string;
  funding: string;
}

/** Behaviour by last four digits, as with Stripe's test card numbers. */
const BEHAVIOUR_BY_LAST4: Record<string, CardBehaviour> = {
  '0002': { kind: 'decline', decline: GENERIC_DECLINE },
  '9995': { kind: 'decline', decline: INSUFFICIENT_FUNDS },
  '0069': { kind: 'decline', decline: EXPIRED_CARD },
  '3184': { kind: 'authenticate' },
  '3220': { kind: 'authenticate' },
};

const visa = (last4: string): TestCard => ({ brand: 'visa', last4, funding: 'credit' });

export const TEST_PAYMENT_METHODS: Record<string, TestCard> = {
  pm_card_visa: visa('4242'),
  pm_card_visa_debit: { brand: 'visa', last4: '5556', funding: 'debit' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit' },
  pm_card_amex: { brand: 'amex', last4: '8431', funding: 'credit' },
  pm_card_chargeDeclined: visa('0002'),
  pm_card_visa_chargeDeclined: visa('0002'),
  pm_card_chargeDeclinedInsufficientFunds: visa('9995'),
  pm_card_visa_chargeDeclinedInsufficientFunds: visa('9995'),
  pm_card_chargeDeclinedExpiredCard: visa('0069'),
  pm_card_visa_chargeDeclinedExpiredCard: visa('0069'),
  pm_card_authenticationRequired: visa('3184'),
  pm_card_threeDSecure2Required: visa('3220'),
};

export function behaviourOf(paymentMethod: Stripe.PaymentMethod): CardBehaviour {
  return BEHAVIOUR_BY_LAST4[paymentMethod.card?.last4 ?? ''] ?? { kind: 'succeed' };
}

function createCardPaymentMethod(
  state: StandInState,
  card: TestCard,
  customer: string | null,
): Stripe.PaymentMethod {
  const template = fixtureValue<Stripe.PaymentMethod.Card>('payment_method', 'card');
  const address = {
    city: null,
    country: null,
    line1: null,
    line2: null,
    postal_code: null,
    state: null,
  };
  return state.insert(
    fromFixture<Stripe.PaymentMethod>('payment_method', {
      allow_redisplay: 'unspecified',
      billing_details: { address, email: null, name: null, phone: null, tax_id: null },
      card: {
        ...template,
        brand: card.brand,
        display_brand: card.brand,
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 3,
        fingerprint: randomToken(16),
        funding: card.funding,
        generated_from: null,
        last4: card.last4,
        networks: { available: [card.brand], preferred: null },
        wallet: null,
        regulated_status: 'unregulated',
      },
      created: state.now(),
      customer,
      id: newId('pm'),
      livemode: false,
      metadata: {},
      object: 'payment_method',
      type: 'card',
      customer_account: null,
    }),
  );
}

/** A test token becomes a new payment method; any other id must exist. */
export function resolvePaymentMethod(
  state: StandInState,
  id: string,
  customer: string | null,
  param = 'payment_method',
): Stripe.PaymentMethod {
  const card = TEST_PAYMENT_METHODS[id];
  if (card) return createCardPaymentMethod(state, card, customer);
  return state.store.get<Stripe.PaymentMethod>('payment_method', id, param);
}

/** The card details a charge shows for a payment method. */
export function chargeCardDetails(
  paymentMethod: Stripe.PaymentMethod,
  amount: number,
): Stripe.Charge.PaymentMethodDetails {
  const details = fixtureValue<Stripe.Charge.PaymentMethodDetails>(
    'charge',
    'payment_method_details',
  );
  const card = paymentMethod.card;
  return {
    ...details,
    card: details.card && {
      ...details.card,
      amount_authorized: amount,
      brand: card?.brand ?? 'visa',
      country: card?.country ?? 'US',
      exp_month: card?.exp_month ?? 12,
      exp_year: card?.exp_year ?? 2030,
      fingerprint: card?.fingerprint ?? null,
      funding: card?.funding ?? 'credit',
      installments: null,
      last4: card?.last4 ?? '4242',
      network: card?.brand ?? 'visa',
      overcapture: { maximum_amount_capturable: amount, status: 'unavailable' },
      three_d_secure: null,
      wallet: null,
    },
    type: 'card',
  };
}

interface PaymentMethodInternals extends Record<string, unknown> {
  /** `payment_method.attached` has been sent for the current customer. */
  attachedTo: string;
}

/**
 * Attaches a payment method to a customer (test tokens become a new payment method first)
 * and sends `payment_method.attached` once per attachment.
 */
export function attachToCustomer(
  state: StandInState,
  id: string,
  customer: string,
  meta: RequestMeta,
  param = 'payment_method',
): Stripe.PaymentMethod {
  const paymentMethod = resolvePaymentMethod(state, id, customer, param);
  if (paymentMethod.customer && paymentMethod.customer !== customer) {
    throw invalidRequest(
      'The payment method you provided has already been attached to a customer.',
      { code: 'payment_method_unexpected_state', param },
    );
  }
  paymentMethod.customer = customer;
  noteAttached(state, paymentMethod, meta);
  return paymentMethod;
}

/** Sends `payment_method.attached` if this attachment has not been announced yet. */
export function noteAttached(
  state: StandInState,
  paymentMethod: Stripe.PaymentMethod,
  meta: RequestMeta,
): void {
  const customer = typeof paymentMethod.customer === 'string' ? paymentMethod.customer : null;
  if (!customer) return;
  const internals = state.internal<PaymentMethodInternals>(paymentMethod.id);
  if (internals.attachedTo === customer) return;
  internals.attachedTo = customer;
  state.emit('payment_method.attached', paymentMethod, meta);
}

/** A payment method that must already belong to `customer`, as Stripe requires. */
export function customerPaymentMethod(
  state: StandInState,
  id: string,
  customer: string,
  param: string,
): Stripe.PaymentMethod {
  const paymentMethod = state.store.find(id) as Stripe.PaymentMethod | undefined;
  if (!paymentMethod || paymentMethod.object !== 'payment_method') {
    throw invalidRequest(`No such PaymentMethod: '${id}'`, { code: 'resource_missing', param });
  }
  if (paymentMethod.customer !== customer) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
      { code: 'resource_missing', param },
    );
  }
  return paymentMethod;
}

const listShape = {
  ...pagination,
  customer: p.string(),
  type: p.string(),
};

function listPaymentMethods(
  state: StandInState,
  params: { customer?: string | null; type?: string | null } & PageParams,
  url: string,
) {
  return state.store.list<Stripe.PaymentMethod>(
    'payment_method',
    params,
    url,
    (method) =>
      (!params.customer || method.customer === params.customer) &&
      (!params.type || method.type === params.type),
  );
}

export const paymentMethodRoutes: Route[] = [
  route('GET', '/v1/payment_methods/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('payment_method', path.id), params.expand),
  ),
  route(
    'POST',
    '/v1/payment_methods/:id/attach',
    { customer: p.requiredString(), expand: p.stringList() },
    ({ state, params, path, meta }) => {
      state.store.get('customer', params.customer, 'customer');
      if (!TEST_PAYMENT_METHODS[path.id]) state.store.get('payment_method', path.id);
      return expand(
        state,
        attachToCustomer(state, path.id, params.customer, meta, 'payment_method'),
        params.expand,
      );
    },
  ),
  route(
    'POST',
    '/v1/payment_methods/:id/detach',
    { expand: p.stringList() },
    ({ state, params, path, meta }) => {
      const paymentMethod = state.store.get<Stripe.PaymentMethod>('payment_method', path.id);
      if (!paymentMethod.customer) {
        throw invalidRequest(
          'The payment method you provided is not attached to a customer so detachment is impossible.',
          { code: 'payment_method_unexpected_state' },
        );
      }
      const customer = paymentMethod.customer;
      paymentMethod.customer = null;
      delete state.internal<PaymentMethodInternals>(paymentMethod.id).attachedTo;
      state.emit('payment_method.detached', paymentMethod, meta, { customer });
      return expand(state, paymentMethod, params.expand);
    },
  ),
  route('GET', '/v1/payment_methods', listShape, ({ state, params }) => {
    if (!params.customer) {
      throw invalidRequest('Missing required param: customer.', {
        code: 'parameter_missing',
        param: 'customer',
      });
    }
    return expand(state, listPaymentMethods(state, params, '/v1/payment_methods'), params.expand);
  }),
  route(
    'GET',
    '/v1/customers/:id/payment_methods',
    { ...pagination, type: p.string() },
    ({ state, params, path }) => {
      state.store.get('customer', path.id);
      const url = `/v1/customers/${path.id}/payment_methods`;
      return expand(
        state,
        listPaymentMethods(state, { ...params, customer: path.id }, url),
        params.expand,
      );
    },
  ),
];
