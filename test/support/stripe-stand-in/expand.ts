/**
 * Stripe's `expand[]`: replaces an id with the object it names, along dotted paths such as
 * `latest_charge.balance_transaction` (or `data.latest_charge` on lists), at most four levels
 * deep. Only fields listed here are expandable; others get Stripe's error.
 */
import { invalidRequest } from './errors';
import { snapshot } from './objects';
import { StandInState } from './state';
import { paginate, StripeObject } from './store';

type Resolver = (state: StandInState, value: unknown, parent: Record<string, unknown>) => unknown;

/** An id field: the object with that id, or null. */
const byId: Resolver = (state, value) =>
  typeof value === 'string' ? snapshot(state.store.find(value) ?? value) : value;

/** Lists that are only included when expanded. */
const chargeRefunds: Resolver = (state, _value, charge) => {
  const refunds = state.store
    .all<StripeObject & { charge: string }>('refund')
    .filter((refund) => refund.charge === charge.id)
    .reverse();
  return snapshot(
    paginate(refunds, { limit: 100 }, `/v1/charges/${String(charge.id)}/refunds`, 'refund'),
  );
};

const sessionLineItems: Resolver = (state, _value, session) => {
  const items = [...(state.lineItems.get(String(session.id)) ?? [])];
  return snapshot(
    paginate(
      items,
      { limit: 100 },
      `/v1/checkout/sessions/${String(session.id)}/line_items`,
      'item',
    ),
  );
};

/** A field that is already an object (e.g. `subscription.items`), so paths can go through it. */
const itself: Resolver = (_state, value) => value;

/** `invoice.confirmation_secret`: the client secret of the invoice's PaymentIntent. */
const invoiceConfirmationSecret: Resolver = (state, _value, invoice) => {
  const intentId = state.internal<{ paymentIntent: string }>(String(invoice.id)).paymentIntent;
  const intent = intentId
    ? (state.store.find(intentId) as { client_secret?: string | null } | undefined)
    : undefined;
  return intent?.client_secret
    ? { client_secret: intent.client_secret, type: 'payment_intent' }
    : null;
};

/** `invoice.payments`: the invoice's invoice_payment objects. */
const invoicePayments: Resolver = (state, _value, invoice) => {
  const payments = state.store
    .all<StripeObject & { invoice: string }>('invoice_payment')
    .filter((payment) => payment.invoice === invoice.id)
    .reverse();
  return snapshot(
    paginate(
      payments,
      { limit: 100 },
      `/v1/invoices/${String(invoice.id)}/payments`,
      'invoice_payment',
    ),
  );
};

/** `invoice_payment.payment` is an object naming a PaymentIntent; expand through it. */
const invoicePaymentPayment: Resolver = (_state, value) => value;

/**
 * Object type -> expandable field -> resolver. Add new types here (invoice.subscription,
 * subscription.latest_invoice, ...) as the stand-in grows.
 */
export const EXPANDABLE: Record<string, Record<string, Resolver>> = {
  balance_transaction: { source: byId },
  charge: {
    balance_transaction: byId,
    customer: byId,
    failure_balance_transaction: byId,
    payment_intent: byId,
    refunds: chargeRefunds,
  },
  'checkout.session': {
    customer: byId,
    line_items: sessionLineItems,
    payment_intent: byId,
  },
  dispute: { charge: byId, payment_intent: byId },
  invoice: {
    confirmation_secret: invoiceConfirmationSecret,
    customer: byId,
    default_payment_method: byId,
    payments: invoicePayments,
  },
  invoice_payment: { invoice: byId, payment: invoicePaymentPayment },
  invoice_payment_payment: { charge: byId, payment_intent: byId },
  payment_intent: { customer: byId, latest_charge: byId, payment_method: byId },
  payment_method: { customer: byId },
  payout: { balance_transaction: byId, failure_balance_transaction: byId },
  price: { product: byId },
  setup_intent: { customer: byId, payment_method: byId },
  subscription: {
    customer: byId,
    default_payment_method: byId,
    items: itself,
    latest_invoice: byId,
    pending_setup_intent: byId,
  },
  subscription_item: { price: itself },
  refund: {
    balance_transaction: byId,
    charge: byId,
    failure_balance_transaction: byId,
    payment_intent: byId,
  },
};

const MAX_DEPTH = 4;

function expandPath(state: StandInState, target: unknown, segments: string[]): void {
  if (segments.length === 0 || target === null || typeof target !== 'object') return;
  const node = target as Record<string, unknown>;
  const [head, ...rest] = segments;
  if (node.object === 'list' && Array.isArray(node.data)) {
    if (head !== 'data') throw invalidRequest(`This property cannot be expanded (${head}).`);
    for (const item of node.data) expandPath(state, item, rest);
    return;
  }
  // invoice_payment.payment has no `object`; it is the only such node paths go through.
  const type =
    node.object === undefined && node.type === 'payment_intent' && 'payment_intent' in node
      ? 'invoice_payment_payment'
      : String(node.object);
  const resolver = EXPANDABLE[type]?.[head];
  if (!resolver) throw invalidRequest(`This property cannot be expanded (${head}).`);
  const value = node[head];
  if (value === null) return;
  if (typeof value === 'string' || value === undefined) node[head] = resolver(state, value, node);
  expandPath(state, node[head], rest);
}

/** Returns a copy of `object` with the requested paths expanded; the store is untouched. */
export function expand<T>(state: StandInState, object: T, paths: string[] | null | undefined): T {
  const result = snapshot(object);
  for (const path of paths ?? []) {
    const segments = path.split('.');
    const depth = segments[0] === 'data' ? segments.length - 1 : segments.length;
    if (depth > MAX_DEPTH) {
      throw invalidRequest(
        `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
        { param: 'expand' },
      );
    }
    expandPath(state, result, segments);
  }
  return result;
}
