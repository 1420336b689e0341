import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';

/**
 * A refund staff asked for. Its sequence per donation makes the idempotency key Stripe sees
 * (`refund:<donationId>:<n>`), so a retried request can never refund twice.
 */
@Entity('staff_refunds')
@Index('staff_refunds_donation_sequence', ['donationId', 'sequence'], { unique: true })
export class StaffRefund {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'donation_id' })
  donationId: string;

  @Column('integer')
  sequence: number;

  /** Null: whatever remained when it was made. */
  @Column('bigint', { nullable: true, transformer: bigintTransformer })
  amount: number | null;

  @Column('text')
  reason: string;

  @Column('text', { name: 'requested_by' })
  requestedBy: string;

  @Column('text', { name: 'stripe_refund_id', nullable: true, unique: true })
  stripeRefundId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
