import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';

export const STAFF_REFUND_STATUSES = ['reserved', 'made', 'released'] as const;
export type StaffRefundStatus = (typeof STAFF_REFUND_STATUSES)[number];

/**
 * A refund staff asked for. Its sequence per donation makes the idempotency key Stripe sees
 * (`refund:<donationId>:<n>`), so a retried request can never refund twice. The row reserves
 * its amount before Stripe is asked (`reserved`), so concurrent refunds of one gift never add
 * up to more than it; Stripe's answer settles it (`made`) or gives the amount back
 * (`released`, Stripe refused).
 */
@Entity('staff_refunds')
@Check('staff_refunds_status_check', `status IN ('reserved', 'made', 'released')`)
@Index('staff_refunds_donation_sequence', ['donationId', 'sequence'], { unique: true })
export class StaffRefund {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'donation_id' })
  donationId: string;

  @Column('integer')
  sequence: number;

  /** What it reserves. Null only on refunds made before amounts were reserved: whatever remained. */
  @Column('bigint', { nullable: true, transformer: bigintTransformer })
  amount: number | null;

  @Column('text')
  reason: string;

  @Column('text', { default: 'made' })
  status: StaffRefundStatus;

  @Column('text', { name: 'requested_by' })
  requestedBy: string;

  @Column('text', { name: 'stripe_refund_id', nullable: true, unique: true })
  stripeRefundId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
