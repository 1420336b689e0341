import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const EVENT_STATUSES = ['pending', 'processed', 'ignored', 'failed'] as const;
export type StripeEventStatus = (typeof EVENT_STATUSES)[number];

/** The inbox: every verified Stripe event, stored once under its id before we answer 2xx. */
@Entity('stripe_events')
@Check('stripe_events_status_check', `status IN ('pending', 'processed', 'ignored', 'failed')`)
@Index('stripe_events_status', ['status', 'receivedAt'])
@Index('stripe_events_pending', ['status', 'pendingSince'])
export class StripeEvent {
  /** Stripe's event id (evt_…). */
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  type: string;

  /** The id of the object the event is about (data.object.id). */
  @Column('text', { name: 'object_id', nullable: true })
  objectId: string | null;

  @Column('text', { name: 'api_version', nullable: true })
  apiVersion: string | null;

  @Column('boolean')
  livemode: boolean;

  @Column('timestamptz', { name: 'stripe_created_at' })
  stripeCreatedAt: Date;

  @Column('jsonb')
  payload: Record<string, unknown>;

  @Column('text', { default: 'pending' })
  status: StripeEventStatus;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'received_at', default: () => 'now()' })
  receivedAt: Date;

  /** When the event last became `pending` (received, or replayed): its wait starts here. */
  @Column('timestamptz', { name: 'pending_since', default: () => 'now()' })
  pendingSince: Date;

  @Column('timestamptz', { name: 'processed_at', nullable: true })
  processedAt: Date | null;

  /** Until when a job holds the row (its lease, see `OutboxTable`); null when none does. */
  @Column('timestamptz', { name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  /** The holding job's token: only that job may renew the lease or record the outcome. */
  @Column('uuid', { name: 'claim_token', nullable: true })
  claimToken: string | null;
}
