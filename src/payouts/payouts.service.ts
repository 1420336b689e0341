import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { DomainError } from '../common/errors/domain-error';
import { StripeGateway } from '../stripe/stripe-gateway';
import { MatchedEntry, PayoutsRepository } from './payouts.repository';
import { PayoutReconciliationView } from './payout.views';

export interface PayoutLine {
  balanceTransactionId: string;
  type: string;
  amount: number;
  fee: number;
  net: number;
  currency: string;
  matched: boolean;
  ledgerEntries: Omit<MatchedEntry, 'balanceTransactionId'>[];
}

/** Payouts as Stripe reports them, and what of ours each one paid out. */
@Injectable()
export class PayoutsService {
  constructor(
    private readonly stripe: StripeGateway,
    private readonly payouts: PayoutsRepository,
  ) {}

  /** Records a payout's current state, as Stripe reports it. */
  async record(p: Stripe.Payout): Promise<void> {
    await this.payouts.upsert({
      id: p.id,
      amount: p.amount,
      currency: p.currency,
      status: p.status,
      arrivalDate: p.arrival_date ? new Date(p.arrival_date * 1000) : null,
      failureCode: p.failure_code ?? null,
      stripeCreatedAt: new Date(p.created * 1000),
    });
  }

  /**
   * The payout's balance transactions, each matched to our ledger entries by its id; those
   * without a match (e.g. a payment we never recorded) are listed apart for finance to chase.
   */
  async reconcile(payoutId: string): Promise<PayoutReconciliationView> {
    const payout = /^po_[A-Za-z0-9]+$/.test(payoutId)
      ? await this.payouts.findById(payoutId)
      : null;
    if (!payout) throw new DomainError('not_found', `No payout ${payoutId} recorded`);
    const transactions = await this.stripe.payoutTransactions(payoutId);
    const entries = await this.payouts.entriesFor(transactions.map((t) => t.id));
    const lines: PayoutLine[] = transactions.map((t) => {
      const ours = entries.filter((e) => e.balanceTransactionId === t.id);
      return {
        balanceTransactionId: t.id,
        type: t.type,
        amount: t.amount,
        fee: t.fee,
        net: t.net,
        currency: t.currency,
        matched: ours.length > 0,
        ledgerEntries: ours.map(({ balanceTransactionId: _bt, ...rest }) => rest),
      };
    });
    const matched = lines.filter((l) => l.matched);
    return {
      payout: {
        id: payout.id,
        amount: payout.amount,
        currency: payout.currency,
        status: payout.status,
        arrivalDate: payout.arrivalDate?.toISOString() ?? null,
        failureCode: payout.failureCode,
      },
      lines: matched,
      unmatched: lines.filter((l) => !l.matched),
      totals: {
        net: lines.reduce((sum, l) => sum + l.net, 0),
        matchedNet: matched.reduce((sum, l) => sum + l.net, 0),
      },
    };
  }
}
