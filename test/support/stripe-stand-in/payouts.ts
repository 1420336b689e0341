/**
 * Payouts. A payout (control endpoint) sweeps every available balance transaction in one
 * currency that no payout has taken yet; `balance_transactions.list({ payout })` lists them.
 * A failed payout returns the money with a `payout_failure` transaction, which the next
 * payout picks up, as in Stripe.
 */
import type Stripe from 'stripe';
import { createBalanceTransaction } from './balance';
import { normalizeCurrency } from './currency';
import { invalidRequest } from './errors';
import { expand } from './expand';
import { newId } from './ids';
import { applyChanges, fromFixture } from './objects';
import { inRange, p, pagination, retrieve } from './params';
import { route, Route } from './router';
import { RequestMeta, StandInState } from './state';

type Payout = Stripe.Payout;

export interface CreatePayoutOptions {
  status?: 'paid' | 'failed' | null;
  currency?: string | null;
}

export function createPayout(
  state: StandInState,
  options: CreatePayoutOptions,
  meta: RequestMeta,
): Payout {
  const currency = options.currency
    ? normalizeCurrency(options.currency)
    : state.settings.defaultCurrency;
  const included = state.store
    .all<Stripe.BalanceTransaction>('balance_transaction')
    .filter(
      (txn) =>
        txn.currency === currency && txn.status === 'available' && !state.payoutOf.has(txn.id),
    );
  const amount = included.reduce((sum, txn) => sum + txn.net, 0);
  if (amount <= 0) {
    throw invalidRequest(
      `There is no available ${currency} balance to pay out (available: ${amount}).`,
      { code: 'balance_insufficient' },
    );
  }
  const created = state.now();
  const id = newId('po');
  const txn = createBalanceTransaction(state, {
    amount: -amount,
    currency,
    type: 'payout',
    reportingCategory: 'payout',
    source: id,
    description: 'STRIPE PAYOUT',
  });
  for (const member of [...included, txn]) state.payoutOf.set(member.id, id);
  const payout = state.insert(
    fromFixture<Payout>('payout', {
      amount,
      application_fee: null,
      application_fee_amount: null,
      arrival_date: created + 2 * 24 * 3600,
      automatic: true,
      balance_transaction: txn.id,
      created,
      currency,
      description: 'STRIPE PAYOUT',
      destination: 'ba_standin0000000000000000',
      failure_balance_transaction: null,
      failure_code: null,
      failure_message: null,
      id,
      livemode: false,
      metadata: {},
      method: 'standard',
      object: 'payout',
      original_payout: null,
      reconciliation_status: 'not_applicable',
      reversed_by: null,
      source_type: 'card',
      statement_descriptor: null,
      status: 'in_transit',
      type: 'bank_account',
      trace_id: { status: 'pending', value: null },
      payout_method: null,
    }),
  );
  state.emit('payout.created', payout, meta);

  if (options.status === 'failed') {
    const failure = createBalanceTransaction(state, {
      amount,
      currency,
      type: 'payout_failure',
      reportingCategory: 'payout_reversal',
      source: id,
      description: 'STRIPE PAYOUT FAILURE',
    });
    const previous = applyChanges(payout, {
      failure_balance_transaction: failure.id,
      failure_code: 'account_closed',
      failure_message: 'The bank account has been closed.',
      status: 'failed',
      trace_id: { status: 'unsupported', value: null },
    });
    state.emit('payout.failed', payout, meta, previous);
  } else {
    const previous = applyChanges(payout, {
      reconciliation_status: 'completed',
      status: 'paid',
      trace_id: { status: 'supported', value: `STANDIN${id.slice(-10).toUpperCase()}` },
    });
    state.emit('payout.paid', payout, meta, previous);
  }
  return payout;
}

export const payoutRoutes: Route[] = [
  route('GET', '/v1/payouts/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('payout', path.id), params.expand),
  ),
  route(
    'GET',
    '/v1/payouts',
    {
      ...pagination,
      arrival_date: p.range(),
      created: p.range(),
      status: p.oneOf('canceled', 'failed', 'in_transit', 'paid', 'pending'),
    },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<Payout>(
          'payout',
          params,
          '/v1/payouts',
          (payout) =>
            inRange(payout.created, params.created) &&
            inRange(payout.arrival_date, params.arrival_date) &&
            (!params.status || payout.status === params.status),
        ),
        params.expand,
      ),
  ),
];
