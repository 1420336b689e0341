import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Action } from './action.entity';

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One delivery of an action's signatures to its target: the signatures confirmed in a window,
 * sent once (an outbox row, see `OutboxTable`).
 */
@Entity('action_deliveries')
@Check('action_deliveries_status_check', `status IN ('pending', 'sent', 'failed')`)
@Index('action_deliveries_action', ['actionId', 'createdAt'])
@Index('action_deliveries_pending', ['status', 'pendingSince'])
export class ActionDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'action_id' })
  actionId: string;

  @ManyToOne(() => Action, { nullable: false })
  @JoinColumn({ name: 'action_id' })
  action?: Action;

  /** Staff's Idempotency-Key, or the schedule's key: one delivery per key. */
  @Column('text', { name: 'idempotency_key', unique: true })
  idempotencyKey: string;

  @Column('text', { default: 'pending' })
  status: DeliveryStatus;

  /** How many signatures this delivery carries. */
  @Column('integer', { default: 0 })
  signatures: number;

  /** The window of confirmation times it covers. */
  @Column('timestamptz', { name: 'confirmed_from', nullable: true })
  confirmedFrom: Date | null;

  @Column('timestamptz', { name: 'confirmed_to', nullable: true })
  confirmedTo: Date | null;

  @Column('integer', { name: 'letter_version' })
  letterVersion: number;

  /** Staff's words put above the letter in the email (≤ 1000 characters); null: none. */
  /**
   * Where the delivery goes, as the action said when the delivery was made: a retry after staff
   * changed the action's target still goes to the addressee the signers were shown.
   */
  @Column('text', { name: 'target_name', default: '' })
  targetName: string;

  @Column('text', { name: 'target_email', default: '' })
  targetEmail: string;

  @Column('text', { nullable: true })
  note: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;

  /** When the delivery last became `pending`. */
  @Column('timestamptz', { name: 'pending_since', default: () => 'now()' })
  pendingSince: Date;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  /** Until when a job holds the row (its lease, see `OutboxTable`); null when none does. */
  @Column('timestamptz', { name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  /** The holding job's token. */
  @Column('uuid', { name: 'claim_token', nullable: true })
  claimToken: string | null;
}
