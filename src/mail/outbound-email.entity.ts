import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type EmailStatus = 'pending' | 'sent' | 'failed';

/**
 * The mail outbox: an email is written here in the same transaction as what caused it, then
 * a job sends it. Its dedupe key makes a repeated cause (a webhook delivered twice) one email.
 */
@Entity('outbound_emails')
@Check('outbound_emails_status_check', `status IN ('pending', 'sent', 'failed')`)
@Index('outbound_emails_pending', ['status', 'pendingSince'])
export class OutboundEmail {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { name: 'dedupe_key', unique: true })
  dedupeKey: string;

  /** What the email is, e.g. `sign-in`, `pledge-payment-failed`: never personal data. */
  @Column('text')
  kind: string;

  @Column('uuid', { name: 'donor_id', nullable: true })
  donorId: string | null;

  @Column('text', { name: 'to_address' })
  toAddress: string;

  @Column('text')
  subject: string;

  /** Bodies are cleared once sent when they hold a secret (sign-in links). */
  @Column('text', { name: 'text_body', nullable: true })
  textBody: string | null;

  @Column('text', { name: 'html_body', nullable: true })
  htmlBody: string | null;

  @Column('boolean', { name: 'purge_after_send', default: false })
  purgeAfterSend: boolean;

  @Column('text', { default: 'pending' })
  status: EmailStatus;

  /** When the email last became `pending` (written, or retried by hand after it failed). */
  @Column('timestamptz', { name: 'pending_since', default: () => 'now()' })
  pendingSince: Date;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;

  /** Until when a job holds the row (its lease, see `OutboxTable`); null when none does. */
  @Column('timestamptz', { name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  /** The holding job's token: only that job may renew the lease or record the outcome. */
  @Column('uuid', { name: 'claim_token', nullable: true })
  claimToken: string | null;
}
