/**
 * Disputes (chargebacks). Opening one withdraws the disputed amount plus the dispute fee
 * (balance transaction on the dispute); winning reinstates the amount (and, by default, the
 * fee); losing, or closing through the API (accepting), keeps the money withdrawn.
 */
import type Stripe from 'stripe';
import { createBalanceTransaction, disputeFee, settle, settlementOf } from './balance';
import { invalidRequest } from './errors';
import { expand } from './expand';
import { newId } from './ids';
import { applyChanges, fixtureValue, fromFixture, mergeMetadata } from './objects';
import { Field, inRange, p, pagination, retrieve, Shape } from './params';
import { route, Route } from './router';
import { RequestMeta, StandInState } from './state';

type Dispute = Stripe.Dispute;
type Charge = Stripe.Charge;

const OPEN: Stripe.Dispute.Status[] = [
  'needs_response',
  'under_review',
  'warning_needs_response',
  'warning_under_review',
];

export const DISPUTE_REASONS = [
  'bank_cannot_process',
  'check_returned',
  'credit_not_processed',
  'customer_initiated',
  'debit_not_authorized',
  'duplicate',
  'fraudulent',
  'general',
  'incorrect_account_details',
  'insufficient_funds',
  'product_not_received',
  'product_unacceptable',
  'subscription_canceled',
  'unrecognized',
] as const;

/** Evidence fields: exactly the keys of the fixture's `evidence` object. */
const evidenceShape: Shape = Object.fromEntries(
  Object.keys(fixtureValue<Record<string, unknown>>('dispute', 'evidence'))
    .filter((key) => key !== 'enhanced_evidence')
    .map((key): [string, Field<unknown>] => [key, p.string(150000)]),
);

export function openDispute(
  state: StandInState,
  charge: Charge,
  options: { amount?: number | null; reason?: string | null },
  meta: RequestMeta,
): Dispute {
  if (charge.status !== 'succeeded' || !charge.balance_transaction) {
    throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be disputed.`);
  }
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} is already disputed.`);
  const amount = options.amount ?? charge.amount_captured;
  if (amount < 1 || amount > charge.amount_captured) {
    throw invalidRequest(`amount must be between 1 and ${charge.amount_captured}.`, {
      param: 'amount',
    });
  }
  const created = state.now();
  const dispute = state.insert(
    fromFixture<Dispute>(
      'dispute',
      {
        amount,
        balance_transactions: [],
        charge: charge.id,
        created,
        currency: charge.currency,
        evidence_details: {
          due_by: created + 7 * 24 * 3600,
          has_evidence: false,
          past_due: false,
          submission_count: 0,
          enhanced_eligibility: {},
          // Required by the SDK's EvidenceDetails type; not in the fixture example.
          submission_method: 'not_submitted',
        },
        id: newId('du'),
        intended_submission_method: null,
        is_charge_refundable: false,
        livemode: false,
        metadata: {},
        object: 'dispute',
        payment_intent: charge.payment_intent,
        payment_method_details: {
          card: {
            brand: charge.payment_method_details?.card?.brand ?? 'visa',
            case_type: 'chargeback',
            network_reason_code: '10.4',
          },
          type: 'card',
        } as Stripe.Dispute.PaymentMethodDetails,
        reason: options.reason ?? 'fraudulent',
        status: 'needs_response',
        enhanced_eligibility_types: [],
      },
      { keep: ['evidence'], extra: ['intended_submission_method'] },
    ),
  );
  charge.disputed = true;
  state.emit('charge.dispute.created', dispute, meta);

  const settlement = settlementOf(state, String(charge.balance_transaction));
  const fee = disputeFee(state, settlement.currency);
  const withdrawal = createBalanceTransaction(state, {
    amount: -settle(amount, charge.currency, settlement),
    currency: settlement.currency,
    exchangeRate: settlement.exchangeRate,
    fee: { amount: fee, description: 'Dispute fee' },
    type: 'adjustment',
    reportingCategory: 'dispute',
    source: dispute.id,
    description: `Chargeback withdrawal for ${charge.id}`,
  });
  const previous = applyChanges(dispute, { balance_transactions: [withdrawal] });
  state.emit('charge.dispute.funds_withdrawn', dispute, meta, previous);
  return dispute;
}

function assertOpen(dispute: Dispute): void {
  if (!OPEN.includes(dispute.status)) {
    throw invalidRequest(`This dispute is already closed (status ${dispute.status}).`, {
      code: 'dispute_already_closed',
    });
  }
}

export function closeDispute(
  state: StandInState,
  dispute: Dispute,
  outcome: 'won' | 'lost',
  meta: RequestMeta,
): Dispute {
  assertOpen(dispute);
  if (outcome === 'won') {
    const withdrawal = dispute.balance_transactions[0];
    const fee = withdrawal.fee;
    const refundFee = state.settings.disputeFeeRefundedOnWin && fee > 0;
    const reinstatement = createBalanceTransaction(state, {
      amount: -withdrawal.amount,
      currency: withdrawal.currency,
      exchangeRate: withdrawal.exchange_rate,
      fee: refundFee ? { amount: -fee, description: 'Dispute fee refund' } : undefined,
      type: 'adjustment',
      reportingCategory: 'dispute_reversal',
      source: dispute.id,
      description: `Chargeback reversal for ${String(dispute.charge)}`,
    });
    const previous = applyChanges(dispute, {
      balance_transactions: [...dispute.balance_transactions, reinstatement],
    });
    state.emit('charge.dispute.funds_reinstated', dispute, meta, previous);
  }
  const previous = applyChanges(dispute, { status: outcome });
  state.emit('charge.dispute.closed', dispute, meta, previous);
  return dispute;
}

const updateShape = {
  evidence: p.object(evidenceShape),
  expand: p.stringList(),
  metadata: p.metadata(),
  submit: p.boolean(),
};

export const disputeRoutes: Route[] = [
  route('GET', '/v1/disputes/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('dispute', path.id), params.expand),
  ),
  route('POST', '/v1/disputes/:id', updateShape, ({ state, params, path, meta }) => {
    const dispute = state.store.get<Dispute>('dispute', path.id);
    assertOpen(dispute);
    const changes: Partial<Dispute> = {};
    if (params.metadata !== undefined) {
      changes.metadata = mergeMetadata(dispute.metadata, params.metadata);
    }
    if (params.evidence) {
      const evidence = { ...dispute.evidence } as Record<string, unknown>;
      for (const [key, value] of Object.entries(params.evidence)) evidence[key] = value;
      changes.evidence = evidence as unknown as Stripe.Dispute.Evidence;
      changes.evidence_details = { ...dispute.evidence_details, has_evidence: true };
    }
    if (params.submit) {
      changes.status = dispute.status.startsWith('warning_')
        ? 'warning_under_review'
        : 'under_review';
      changes.evidence_details = {
        ...(changes.evidence_details ?? dispute.evidence_details),
        submission_count: dispute.evidence_details.submission_count + 1,
        submission_method: 'manual',
      };
    }
    const previous = applyChanges(dispute, changes);
    if (Object.keys(previous).length > 0) {
      state.emit('charge.dispute.updated', dispute, meta, previous);
    }
    return expand(state, dispute, params.expand);
  }),
  route('POST', '/v1/disputes/:id/close', { expand: p.stringList() }, (context) => {
    const dispute = context.state.store.get<Dispute>('dispute', context.path.id);
    return expand(
      context.state,
      closeDispute(context.state, dispute, 'lost', context.meta),
      context.params.expand,
    );
  }),
  route(
    'GET',
    '/v1/disputes',
    { ...pagination, charge: p.string(), created: p.range(), payment_intent: p.string() },
    ({ state, params }) =>
      expand(
        state,
        state.store.list<Dispute>(
          'dispute',
          params,
          '/v1/disputes',
          (dispute) =>
            inRange(dispute.created, params.created) &&
            (!params.charge || dispute.charge === params.charge) &&
            (!params.payment_intent || dispute.payment_intent === params.payment_intent),
        ),
        params.expand,
      ),
  ),
];
