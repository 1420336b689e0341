import Stripe from 'stripe';
import { expanded, fromUnixTime, isLiveRefund, PaymentState } from '../stripe/stripe-gateway';
import { NewLedgerEntry } from './ledger.repository';

/**
 * The ledger entries a payment's current state implies. A pure function of Stripe's state:
 * whatever order events came in, the same state gives the same entries, and the dedupe keys
 * make a second application add nothing.
 */
export function ledgerEntriesFor(
  state: PaymentState,
  recordedRefunds: Set<string>,
): NewLedgerEntry[] {
  const { intent, charge, chargeTxn } = state;
  const entries: NewLedgerEntry[] = [];
  if (!charge || !chargeTxn || intent.status !== 'succeeded') return entries;
  const ids = { stripePaymentIntentId: intent.id, stripeChargeId: charge.id };
  entries.push({
    ...ids,
    dedupeKey: `charge:${charge.id}`,
    kind: 'charge',
    amount: charge.amount,
    currency: charge.currency,
    settledAmount: chargeTxn.amount,
    settledCurrency: chargeTxn.currency,
    stripeBalanceTransactionId: chargeTxn.id,
    occurredAt: fromUnixTime(charge.created),
  });
  if (chargeTxn.fee !== 0) {
    entries.push({
      ...ids,
      dedupeKey: `fee:${charge.id}`,
      kind: 'fee',
      amount: -chargeTxn.fee,
      currency: chargeTxn.currency,
      settledAmount: -chargeTxn.fee,
      settledCurrency: chargeTxn.currency,
      stripeBalanceTransactionId: chargeTxn.id,
      occurredAt: fromUnixTime(charge.created),
    });
  }
  for (const refund of state.refunds) {
    const txn = expanded<Stripe.BalanceTransaction>(refund.balance_transaction);
    const refundIds = { ...ids, stripeRefundId: refund.id };
    const live = isLiveRefund(refund);
    const recorded = recordedRefunds.has(refund.id);
    if (txn && (live || recorded)) {
      entries.push({
        ...refundIds,
        dedupeKey: `refund:${refund.id}`,
        kind: 'refund',
        amount: -refund.amount,
        currency: refund.currency,
        settledAmount: txn.amount,
        settledCurrency: txn.currency,
        stripeBalanceTransactionId: txn.id,
        occurredAt: fromUnixTime(refund.created),
      });
      if (txn.fee !== 0) {
        entries.push({
          ...refundIds,
          dedupeKey: `fee:${refund.id}`,
          kind: 'fee',
          amount: -txn.fee,
          currency: txn.currency,
          settledAmount: -txn.fee,
          settledCurrency: txn.currency,
          stripeBalanceTransactionId: txn.id,
          occurredAt: fromUnixTime(refund.created),
        });
      }
    }
    // A refund that failed after we counted it gives the money back to the campaign.
    if (!live && recorded && txn) {
      const failure = expanded<Stripe.BalanceTransaction>(refund.failure_balance_transaction);
      entries.push({
        ...refundIds,
        dedupeKey: `refund_reversal:${refund.id}`,
        kind: 'refund_reversal',
        amount: refund.amount,
        currency: refund.currency,
        settledAmount: failure?.amount ?? -txn.amount,
        settledCurrency: failure?.currency ?? txn.currency,
        stripeBalanceTransactionId: failure?.id ?? null,
        occurredAt: failure ? fromUnixTime(failure.created) : new Date(),
      });
    }
  }
  for (const dispute of state.disputes) {
    for (const txn of dispute.balance_transactions ?? []) {
      const disputeIds = {
        ...ids,
        stripeDisputeId: dispute.id,
        stripeBalanceTransactionId: txn.id,
      };
      const sign = Math.sign(txn.amount);
      if (sign !== 0) {
        entries.push({
          ...disputeIds,
          dedupeKey: `dispute:${txn.id}`,
          kind: 'dispute',
          amount: sign * dispute.amount,
          currency: dispute.currency,
          settledAmount: txn.amount,
          settledCurrency: txn.currency,
          occurredAt: fromUnixTime(txn.created),
        });
      }
      if (txn.fee !== 0) {
        entries.push({
          ...disputeIds,
          dedupeKey: `dispute_fee:${txn.id}`,
          kind: 'dispute_fee',
          amount: -txn.fee,
          currency: txn.currency,
          settledAmount: -txn.fee,
          settledCurrency: txn.currency,
          occurredAt: fromUnixTime(txn.created),
        });
      }
    }
  }
  return entries;
}
