import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';

/** A Stripe payout to the organisation's bank account, as Stripe last reported it. */
@Entity('payouts')
export class Payout {
  /** Stripe's id (po_…). */
  @PrimaryColumn('text')
  id: string;

  @Column('bigint', { transformer: bigintTransformer })
  amount: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('text')
  status: string;

  @Column('timestamptz', { name: 'arrival_date', nullable: true })
  arrivalDate: Date | null;

  @Column('text', { name: 'failure_code', nullable: true })
  failureCode: string | null;

  @Column('timestamptz', { name: 'stripe_created_at' })
  stripeCreatedAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
