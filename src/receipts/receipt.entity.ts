import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';
import { Donation } from '../donations/donation.entity';

export type ReceiptType = 'original' | 'correction';
export type ReceiptStatus = 'issued' | 'replaced' | 'voided';
export const SEND_STATUSES = ['pending', 'sent', 'failed', 'suppressed'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/**
 * A tax receipt. Its number is unique and gap-free per calendar year; a partial refund issues
 * a correction that names the receipt it replaces, a full refund voids it. The payment's
 * transaction only records the receipt as owed (no number yet); the receipts stage numbers owed
 * receipts in short transactions of their own, so payments never wait on the year's counter.
 */
@Entity('receipts')
@Check('receipts_status_check', `status IN ('issued', 'replaced', 'voided')`)
@Check('receipts_send_status_check', `send_status IN ('pending', 'sent', 'failed', 'suppressed')`)
@Index('receipts_donation', ['donationId'])
@Index('receipts_send_status', ['sendStatus', 'issuedAt'])
@Index('receipts_pending', ['sendStatus', 'pendingSince'])
@Index('receipts_owed', ['year', 'issuedAt'], { where: 'number IS NULL' })
export class Receipt {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `2026-000123`; null while the receipt is owed (recorded, not yet numbered). */
  @Column('text', { unique: true, nullable: true })
  number: string | null;

  @Column('integer')
  year: number;

  @Column('uuid', { name: 'donation_id' })
  donationId: string;

  @ManyToOne(() => Donation)
  @JoinColumn({ name: 'donation_id' })
  donation?: Donation;

  @Column('uuid', { name: 'donor_id' })
  donorId: string;

  @Column('text')
  type: ReceiptType;

  @Column('text', { default: 'issued' })
  status: ReceiptStatus;

  @Column('uuid', { name: 'replaces_receipt_id', nullable: true })
  replacesReceiptId: string | null;

  @Column('bigint', { transformer: bigintTransformer })
  amount: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('timestamptz', { name: 'issued_at', default: () => 'now()' })
  issuedAt: Date;

  @Column('timestamptz', { name: 'voided_at', nullable: true })
  voidedAt: Date | null;

  @Column('text', { name: 'send_status', default: 'pending' })
  sendStatus: SendStatus;

  /**
   * When the receipt last became `pending` (issued, resent, retried by hand): how long it has
   * waited for its email is measured from here, not from `issued_at`.
   */
  @Column('timestamptz', { name: 'pending_since', default: () => 'now()' })
  pendingSince: Date;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;

  /** Until when a job holds the row (its lease, see `OutboxTable`); null when none does. */
  @Column('timestamptz', { name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  /** The holding job's token: only that job may renew the lease or record the outcome. */
  @Column('uuid', { name: 'claim_token', nullable: true })
  claimToken: string | null;
}

/** The last receipt number used in a year: taken under the row lock, so a rollback leaves no gap. */
@Entity('receipt_counters')
export class ReceiptCounter {
  @PrimaryColumn('integer')
  year: number;

  @Column('integer')
  last: number;
}

/** A donor's year-end statement, sent once per year. */
@Entity('statements')
@Unique('statements_donor_year', ['donorId', 'year'])
@Check('statements_send_status_check', `send_status IN ('pending', 'sent', 'failed', 'suppressed')`)
export class Statement {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'donor_id' })
  donorId: string;

  @Column('integer')
  year: number;

  @Column('text', { name: 'send_status', default: 'pending' })
  sendStatus: SendStatus;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;

  /** Until when a job holds the row (its lease, see `OutboxTable`); null when none does. */
  @Column('timestamptz', { name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  /** The holding job's token: only that job may renew the lease or record the outcome. */
  @Column('uuid', { name: 'claim_token', nullable: true })
  claimToken: string | null;
}
