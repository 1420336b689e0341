import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export interface PostalAddress {
  line1: string;
  line2?: string;
  city: string;
  state?: string;
  postalCode: string;
  country: string;
}

/**
 * A donor: the email their gifts were given with. Each gift keeps its own receipt name and
 * address (an unauthenticated request never writes an existing donor). `name` and `address`
 * are what the donor set in their profile (or staff corrected): a pledge that can still bill
 * takes them for its later installments when they are set; a new donor carries neither. The
 * email changes only once the new address confirms it. Personal fields are cleared on erasure;
 * the row stays so that the ledger keeps its links.
 */
@Entity('donors')
export class Donor {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Trimmed and lower-cased; null once erased. */
  @Column('text', { unique: true, nullable: true })
  email: string | null;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('jsonb', { nullable: true })
  address: PostalAddress | null;

  @Column('text', { name: 'stripe_customer_id', unique: true, nullable: true })
  stripeCustomerId: string | null;

  /** For installments: a receipt for each (`each`) or only the year-end statement (`year_end`). */
  @Column('text', { name: 'installment_receipts', default: 'each' })
  installmentReceipts: 'each' | 'year_end';

  @Column('timestamptz', { name: 'erased_at', nullable: true })
  erasedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
