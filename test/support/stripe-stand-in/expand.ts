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
  payment_intent: { customer: byId, latest_charge: byId, payment_method: byId },
  payment_method: { customer: byId },
  payout: { balance_transaction: byId, failure_balance_transaction: byId },
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
  const resolver = EXPANDABLE[String(node.object)]?.[head];
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
