import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { bigintTransformer } from '../common/database/bigint.transformer';
import { Donor, PostalAddress } from '../donors/donor.entity';

export const DONATION_STATUSES = [
  'pending',
  'processing',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type DonationStatus = (typeof DONATION_STATUSES)[number];
export type DonationKind = 'one_off' | 'installment' | 'offline';
export const OFFLINE_METHODS = ['cheque', 'bank_transfer', 'cash'] as const;
export type DonationMethod = 'card' | (typeof OFFLINE_METHODS)[number];
export type DisputeStatus = 'open' | 'won' | 'lost';
/** Why finance should look at a donation. */
export type DonationFlag = 'amount_mismatch' | 'unattributed';

export interface Tribute {
  kind: 'in_honor_of' | 'in_memory_of';
  name: string;
}

/**
 * One gift. Money facts come from Stripe (received, fee, refunds, disputes); the amounts the
 * totals are made of live in the ledger, never here.
 */
@Entity('donations')
@Check(
  'donations_status_check',
  `status IN ('pending', 'processing', 'succeeded', 'failed', 'canceled')`,
)
@Check('donations_method_check', `method IN ('card', 'cheque', 'bank_transfer', 'cash')`)
@Index('donations_recent_supporters', ['campaignId', 'succeededAt', 'createdAt'], {
  where: `status = 'succeeded'`,
})
export class Donation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'campaign_id', nullable: true })
  campaignId: string | null;

  @ManyToOne(() => Campaign, { nullable: true })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Column('uuid', { name: 'donor_id', nullable: true })
  donorId: string | null;

  @ManyToOne(() => Donor, { nullable: true })
  @JoinColumn({ name: 'donor_id' })
  donor?: Donor;

  @Column('text', { default: 'one_off' })
  kind: DonationKind;

  @Column('text', { default: 'pending' })
  status: DonationStatus;

  /** How the money came: `card` through Stripe, or an offline method recorded by staff. */
  @Column('text', { default: 'card' })
  method: DonationMethod;

  /** Offline gifts: the cheque number or transfer reference, and the day it was received. */
  @Column('text', { nullable: true })
  reference: string | null;

  @Column('date', { name: 'received_on', nullable: true })
  receivedOn: string | null;

  /** What we asked Stripe to charge (the intended amount, grossed up when covering fees). */
  @Column('bigint', { transformer: bigintTransformer })
  amount: number;

  @Column('char', { length: 3 })
  currency: string;

  /** What the donor meant the campaign to get. */
  @Column('bigint', { name: 'intended_amount', transformer: bigintTransformer })
  intendedAmount: number;

  @Column('boolean', { name: 'cover_fees', default: false })
  coverFees: boolean;

  /** True unless the donor asked to be named publicly (`anonymous: false` or a displayName). */
  @Column('boolean', { default: true })
  anonymous: boolean;

  /** What the donor asked to be shown publicly; null: the receipt name, when not anonymous. */
  @Column('text', { name: 'display_name', nullable: true })
  displayName: string | null;

  /** The name for this gift's receipt, as sent with it (never read from the donor row). */
  @Column('text', { name: 'donor_name', nullable: true })
  donorName: string | null;

  /** The address for this gift's receipt, as sent with it. */
  @Column('jsonb', { name: 'donor_address', nullable: true })
  donorAddress: PostalAddress | null;

  @Column('text', { nullable: true })
  message: string | null;

  @Column('jsonb', { nullable: true })
  tribute: Tribute | null;

  /** For installments: the pledge and the Stripe invoice this payment settles (one donation per invoice). */
  @Column('uuid', { name: 'pledge_id', nullable: true })
  pledgeId: string | null;

  /**
   * The foreign key to `pledges`, named rather than imported: pledges build on donations (an
   * installment is a donation), so a donation refers to its pledge by id only.
   */
  @ManyToOne('Pledge', { nullable: true })
  @JoinColumn({ name: 'pledge_id' })
  pledge?: { id: string };

  @Column('text', { name: 'stripe_invoice_id', unique: true, nullable: true })
  stripeInvoiceId: string | null;

  /**
   * The Stripe Checkout Session the gift is paid through, for a gift started by
   * `POST …/checkout-sessions` (its PaymentIntent exists only once the donor pays).
   */
  @Column('text', { name: 'checkout_session_id', unique: true, nullable: true })
  checkoutSessionId: string | null;

  @Column('text', { name: 'stripe_payment_intent_id', unique: true, nullable: true })
  stripePaymentIntentId: string | null;

  @Column('text', { name: 'stripe_charge_id', unique: true, nullable: true })
  stripeChargeId: string | null;

  /**
   * SHA-256 (hex) of the PaymentIntent's client secret, as the site received it when the gift
   * started: a thank-you page proves with the secret that it may read the gift's status. The
   * secret itself is never stored. Null for gifts started before it was kept, and offline ones.
   */
  @Column('text', { name: 'client_secret_hash', nullable: true, select: false })
  clientSecretHash: string | null;

  /**
   * The ticket (from `stripe_state_tickets`) of the Stripe state last applied to this
   * donation: taken before that state was fetched, so a state fetched earlier never overwrites
   * one fetched later.
   */
  @Column('bigint', { name: 'stripe_state_ticket', nullable: true, select: false })
  stripeStateTicket: string | null;

  /** As Stripe reports the payment (may differ from `amount`: then flagged). */
  @Column('bigint', { name: 'received_amount', nullable: true, transformer: bigintTransformer })
  receivedAmount: number | null;

  @Column('char', { name: 'received_currency', length: 3, nullable: true })
  receivedCurrency: string | null;

  @Column('bigint', { name: 'fee_amount', nullable: true, transformer: bigintTransformer })
  feeAmount: number | null;

  /** Amount and currency the payment settled in (the balance transaction's). */
  @Column('bigint', { name: 'settled_amount', nullable: true, transformer: bigintTransformer })
  settledAmount: number | null;

  @Column('char', { name: 'settled_currency', length: 3, nullable: true })
  settledCurrency: string | null;

  @Column('bigint', { name: 'refunded_amount', default: 0, transformer: bigintTransformer })
  refundedAmount: number;

  @Column('text', { name: 'dispute_status', nullable: true })
  disputeStatus: DisputeStatus | null;

  @Column('text', { array: true, default: '{}' })
  flags: DonationFlag[];

  @Column('text', { name: 'failure_reason', nullable: true })
  failureReason: string | null;

  @Column('timestamptz', { name: 'succeeded_at', nullable: true })
  succeededAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
