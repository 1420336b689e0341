import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';

/**
 * Kinds of money movement, each a signed amount:
 * - `charge`: a payment received (+)
 * - `fee`: Stripe's fee on a charge (−), or its refund when a refund returns it (+)
 * - `refund`: money given back (−); `refund_reversal`: a refund that failed (+)
 * - `dispute`: funds withdrawn by a dispute (−) or reinstated when it is won (+)
 * - `dispute_fee`: the dispute fee (−) or its return (+)
 */
export const LEDGER_KINDS = [
  'charge',
  'fee',
  'refund',
  'refund_reversal',
  'dispute',
  'dispute_fee',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Append-only: a correction is a new, reversing entry; rows are never updated or deleted. */
@Entity('ledger_entries')
@Check(
  'ledger_entries_kind_check',
  `kind IN ('charge', 'fee', 'refund', 'refund_reversal', 'dispute', 'dispute_fee')`,
)
@Index('ledger_entries_campaign', ['campaignId', 'occurredAt'])
@Index('ledger_entries_donation', ['donationId'])
// Period scans in time order: the CSV export streams in this order, reports read period edges.
@Index('ledger_entries_occurred', ['occurredAt', 'id'])
export class LedgerEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** What makes the entry unique, e.g. `charge:ch_1`, `refund:re_1`: a replay inserts nothing. */
  @Column('text', { name: 'dedupe_key', unique: true })
  dedupeKey: string;

  @Column('uuid', { name: 'donation_id', nullable: true })
  donationId: string | null;

  @Column('uuid', { name: 'campaign_id', nullable: true })
  campaignId: string | null;

  @Column('text')
  kind: LedgerKind;

  /** In `currency`: the payment's own currency (fees: the settlement currency). */
  @Column('bigint', { transformer: bigintTransformer })
  amount: number;

  @Column('char', { length: 3 })
  currency: string;

  /** The same movement in the balance transaction's currency. */
  @Column('bigint', { name: 'settled_amount', transformer: bigintTransformer })
  settledAmount: number;

  @Column('char', { name: 'settled_currency', length: 3 })
  settledCurrency: string;

  @Column('text', { name: 'stripe_payment_intent_id', nullable: true })
  stripePaymentIntentId: string | null;

  @Column('text', { name: 'stripe_charge_id', nullable: true })
  stripeChargeId: string | null;

  @Column('text', { name: 'stripe_balance_transaction_id', nullable: true })
  stripeBalanceTransactionId: string | null;

  @Column('text', { name: 'stripe_refund_id', nullable: true })
  stripeRefundId: string | null;

  @Column('text', { name: 'stripe_dispute_id', nullable: true })
  stripeDisputeId: string | null;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
