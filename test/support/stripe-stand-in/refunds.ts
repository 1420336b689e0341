/**
 * Refunds. Each refund reduces what is left to refund on its charge and gets a negative
 * balance transaction of its own. A refund can later fail (control endpoint), which returns
 * the money to the balance with a `refund_failure` transaction, as Stripe does. When the
 * stand-in is configured with `refunds_pending`, a refund starts `pending` (its balance
 * transaction and the charge's `amount_refunded` already count it, as at Stripe) and settles
 * later: `charge.refund.updated` and `refund.updated` when it succeeds.
 */
import type Stripe from 'stripe';
import { createBalanceTransaction, settle, settlementOf } from './balance';
import { formatAmount } from './currency';
import { invalidRequest } from './errors';
import { expand } from './expand';
import { newId } from './ids';
import { applyChanges, fromFixture, mergeMetadata } from './objects';
import { inRange, p, pagination, Params, retrieve } from './params';
import { route, Route } from './router';
import { RequestMeta, StandInState } from './state';

type Refund = Stripe.Refund;
type Charge = Stripe.Charge;

const createShape = {
  amount: p.integer(),
  charge: p.string(),
  expand: p.stringList(),
  metadata: p.metadata(),
  payment_intent: p.string(),
  reason: p.oneOf('duplicate', 'fraudulent', 'requested_by_customer'),
};

export type CreateRefundParams = Omit<Params<typeof createShape>, 'expand'>;

function chargeToRefund(state: StandInState, params: CreateRefundParams): Charge {
  if (params.charge) {
    const charge = state.store.get<Charge>('charge', params.charge, 'charge');
    if (params.payment_intent && charge.payment_intent !== params.payment_intent) {
      throw invalidRequest(
        `Charge ${charge.id} does not belong to PaymentIntent ${params.payment_intent}.`,
        { param: 'payment_intent' },
      );
    }
    return charge;
  }
  if (params.payment_intent) {
    const intent = state.store.get<Stripe.PaymentIntent>(
      'payment_intent',
      params.payment_intent,
      'payment_intent',
    );
    if (intent.status !== 'succeeded' || typeof intent.latest_charge !== 'string') {
      throw invalidRequest(
        `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
        { param: 'payment_intent', code: 'charge_not_refundable' },
      );
    }
    return state.store.get<Charge>('charge', intent.latest_charge);
  }
  throw invalidRequest(
    'One of the following params should be provided for this request: charge or payment_intent.',
    {
      param: 'charge',
      code: 'parameter_missing',
    },
  );
}

export function createRefund(
  state: StandInState,
  params: CreateRefundParams,
  meta: RequestMeta,
): Refund {
  const charge = chargeToRefund(state, params);
  if (charge.status !== 'succeeded' || !charge.balance_transaction) {
    throw invalidRequest(
      `Charge ${charge.id} has a status of ${charge.status} and cannot be refunded.`,
      {
        param: 'charge',
        code: 'charge_not_refundable',
      },
    );
  }
  if (charge.disputed) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, {
      param: 'charge',
      code: 'charge_disputed',
    });
  }
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
      code: 'charge_already_refunded',
    });
  }
  const amount = params.amount ?? remaining;
  if (amount < 1) {
    throw invalidRequest('This value must be greater than or equal to 1.', {
      param: 'amount',
      code: 'parameter_invalid_integer',
    });
  }
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
      { param: 'amount', code: 'amount_too_large' },
    );
  }
  const id = newId('re');
  const settlement = settlementOf(state, String(charge.balance_transaction));
  const settled = settle(amount, charge.currency, settlement);
  const txn = createBalanceTransaction(state, {
    amount: -settled,
    currency: settlement.currency,
    exchangeRate: settlement.exchangeRate,
    type: 'refund',
    reportingCategory: 'refund',
    source: id,
    description: 'REFUND FOR CHARGE',
  });
  const refund = state.insert(
    fromFixture<Refund>(
      'refund',
      {
        amount,
        balance_transaction: txn.id,
        charge: charge.id,
        created: state.now(),
        currency: charge.currency,
        id,
        metadata: mergeMetadata({}, params.metadata),
        object: 'refund',
        payment_intent: charge.payment_intent,
        reason: params.reason ?? null,
        receipt_number: null,
        source_transfer_reversal: null,
        status: state.behaviour.refundsPending ? 'pending' : 'succeeded',
        transfer_reversal: null,
        customer: charge.customer,
        customer_account: null,
        payment_method: charge.payment_method,
      },
      { keep: ['destination_details'] },
    ),
  );
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount_captured;
  state.emit('refund.created', refund, meta);
  state.emit('charge.refunded', charge, meta);
  return refund;
}

/** A pending refund reaches the card: `charge.refund.updated`, `refund.updated`. */
export function succeedRefund(state: StandInState, refund: Refund, meta: RequestMeta): Refund {
  if (refund.status !== 'pending') {
    throw invalidRequest(
      `Refund ${refund.id} has a status of ${refund.status} and cannot succeed.`,
    );
  }
  const previous = applyChanges(refund, { status: 'succeeded' });
  state.emit('charge.refund.updated', refund, meta, previous);
  state.emit('refund.updated', refund, meta, previous);
  return refund;
}

export function failRefund(
  state: StandInState,
  refund: Refund,
  failureReason: string,
  meta: RequestMeta,
): Refund {
  if (refund.status !== 'succeeded' && refund.status !== 'pending') {
    throw invalidRequest(`Refund ${refund.id} has a status of ${refund.status} and cannot fail.`);
  }
  const original = state.store.get<Stripe.BalanceTransaction>(
    'balance_transaction',
    String(refund.balance_transaction),
  );
  const txn = createBalanceTransaction(state, {
    amount: -original.amount,
    currency: original.currency,
    exchangeRate: original.exchange_rate,
    type: 'refund_failure',
    reportingCategory: 'refund_failure',
    source: refund.id,
    description: 'REFUND FAILURE',
  });
  const previous = applyChanges(refund, {
    failure_balance_transaction: txn.id,
    failure_reason: failureReason,
    status: 'failed',
  });
  const charge = state.store.get<Charge>('charge', String(refund.charge));
  charge.amount_refunded -= refund.amount;
  charge.refunded = false;
  state.emit('charge.refund.updated', refund, meta, previous);
  state.emit('refund.updated', refund, meta, previous);
  state.emit('refund.failed', refund, meta, previous);
  return refund;
}

export const refundRoutes: Route[] = [
  route('POST', '/v1/refunds', createShape, ({ state, params, meta }) => {
    const { expand: paths, ...rest } = params;
    return expand(state, createRefund(state, rest, meta), paths);
  }),
  route('GET', '/v1/refunds/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('refund', path.id), params.expand),
  ),
  route(
    'POST',
    '/v1/refunds/:id',
    { expand: p.stringList(), metadata: p.metadata() },
    ({ state, params, path, meta }) => {
      const refund = state.store.get<Refund>('refund', path.id);
      if (params.metadata !== undefined) {
        const previous = applyChanges(refund, {
          metadata: mergeMetadata(refund.metadata, params.metadata),
        });
        if (Object.keys(previous).length > 0) {
          state.emit('charge.refund.updated', refund, meta, previous);
          state.emit('refund.updated', refund, meta, previous);
        }
      }
      return expand(state, refund, params.expand);
    },
  ),
  route(
    'GET',
    '/v1/refunds',
    { ...pagination, charge: p.string(), created: p.range(), payment_intent: p.string() },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<Refund>(
          'refund',
          params,
          '/v1/refunds',
          (refund) =>
            inRange(refund.created, params.created) &&
            (!params.charge || refund.charge === params.charge) &&
            (!params.payment_intent || refund.payment_intent === params.payment_intent),
        ),
        params.expand,
      ),
  ),
];
