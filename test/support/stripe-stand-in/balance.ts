/**
 * Balance transactions: every movement of money (charge, refund, dispute, payout) gets one,
 * with fee and net, in the settlement currency. `GET /v1/balance` sums them.
 */
import type Stripe from 'stripe';
import { convert, scaleFixedAmount } from './currency';
import { invalidRequest } from './errors';
import { expand } from './expand';
import { newId } from './ids';
import { fixture, fromFixture } from './objects';
import { inRange, p, pagination, retrieve } from './params';
import { route, Route } from './router';
import { StandInState } from './state';

/** How a charge was settled: the balance transaction's currency and exchange rate. */
export interface Settlement {
  currency: string;
  exchangeRate: number | null;
}

export function settle(amount: number, currency: string, settlement: Settlement): number {
  return settlement.exchangeRate === null
    ? amount
    : convert(amount, currency, settlement.currency, settlement.exchangeRate);
}

export function processingFee(state: StandInState, settledAmount: number, currency: string) {
  const { feePercent, feeFixed } = state.settings;
  return Math.round((settledAmount * feePercent) / 100) + scaleFixedAmount(feeFixed, currency);
}

export function disputeFee(state: StandInState, currency: string): number {
  return scaleFixedAmount(state.settings.disputeFee, currency);
}

export interface NewBalanceTransaction {
  amount: number;
  currency: string;
  exchangeRate?: number | null;
  fee?: { amount: number; description: string };
  type: Stripe.BalanceTransaction.Type;
  reportingCategory: string;
  source: string;
  description: string | null;
}

export function createBalanceTransaction(
  state: StandInState,
  input: NewBalanceTransaction,
): Stripe.BalanceTransaction {
  const created = state.now();
  const availableOn = created + state.settings.availableAfterSeconds;
  const fee = input.fee?.amount ?? 0;
  const feeDetails: Stripe.BalanceTransaction.FeeDetail[] = input.fee
    ? [
        {
          amount: input.fee.amount,
          application: null,
          currency: input.currency,
          description: input.fee.description,
          type: 'stripe_fee',
        },
      ]
    : [];
  return state.insert(
    fromFixture<Stripe.BalanceTransaction>('balance_transaction', {
      amount: input.amount,
      available_on: availableOn,
      created,
      currency: input.currency,
      description: input.description,
      exchange_rate: input.exchangeRate ?? null,
      fee,
      fee_details: feeDetails,
      id: newId('txn'),
      net: input.amount - fee,
      object: 'balance_transaction',
      reporting_category: input.reportingCategory,
      source: input.source,
      status: availableOn <= created ? 'available' : 'pending',
      type: input.type,
      balance_type: 'payments',
    }),
  );
}

export function settlementOf(state: StandInState, transactionId: string): Settlement {
  const txn = state.store.get<Stripe.BalanceTransaction>('balance_transaction', transactionId);
  return { currency: txn.currency, exchangeRate: txn.exchange_rate };
}

/** Pending transactions whose `available_on` has passed become available (clock moves). */
export function refreshAvailability(state: StandInState): void {
  const now = state.now();
  for (const txn of state.store.all<Stripe.BalanceTransaction>('balance_transaction')) {
    if (txn.status === 'pending' && txn.available_on <= now) txn.status = 'available';
  }
}

function balance(state: StandInState): Stripe.Balance {
  const sums = { available: new Map<string, number>(), pending: new Map<string, number>() };
  sums.available.set(state.settings.defaultCurrency, 0);
  sums.pending.set(state.settings.defaultCurrency, 0);
  for (const txn of state.store.all<Stripe.BalanceTransaction>('balance_transaction')) {
    const bucket = txn.status === 'available' ? sums.available : sums.pending;
    bucket.set(txn.currency, (bucket.get(txn.currency) ?? 0) + txn.net);
  }
  const amounts = (bucket: Map<string, number>) =>
    [...bucket].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }));
  const template = fixture('balance');
  return {
    ...(template as unknown as Stripe.Balance),
    available: amounts(sums.available),
    connect_reserved: [...sums.available.keys()].map((currency) => ({ amount: 0, currency })),
    livemode: false,
    pending: amounts(sums.pending),
  };
}

export const balanceRoutes: Route[] = [
  route('GET', '/v1/balance', { expand: p.stringList() }, ({ state }) => balance(state)),
  route('GET', '/v1/balance_transactions/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('balance_transaction', path.id), params.expand),
  ),
  route(
    'GET',
    '/v1/balance_transactions',
    {
      ...pagination,
      created: p.range(),
      currency: p.string(),
      payout: p.string(),
      source: p.string(),
      type: p.string(),
    },
    ({ state, params }) => {
      if (params.payout) state.store.get('payout', params.payout, 'payout');
      const list = state.store.list<Stripe.BalanceTransaction>(
        'balance_transaction',
        params,
        '/v1/balance_transactions',
        (txn) =>
          inRange(txn.created, params.created) &&
          (!params.currency || txn.currency === params.currency) &&
          (!params.payout || state.payoutOf.get(txn.id) === params.payout) &&
          (!params.source || txn.source === params.source) &&
          (!params.type || txn.type === params.type),
      );
      return expand(state, list, params.expand);
    },
  ),
];

export function assertPositive(amount: number, param: string): void {
  if (amount < 1) {
    throw invalidRequest('This value must be greater than or equal to 1.', {
      param,
      code: 'parameter_invalid_integer',
    });
  }
}
