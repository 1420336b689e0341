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
import { Donor, PostalAddress } from '../donors/donor.entity';
import { bigintTransformer } from '../common/database/bigint.transformer';

export const PLEDGE_STATUSES = [
  'incomplete',
  'active',
  'past_due',
  'paused',
  'canceled',
  'completed',
] as const;
export type PledgeStatus = (typeof PLEDGE_STATUSES)[number];
/** How often a pledge charges; `quarter` is every three months (see stripeRecurring). */
export const PLEDGE_INTERVALS = ['week', 'month', 'quarter', 'year'] as const;
export type PledgeInterval = (typeof PLEDGE_INTERVALS)[number];
/** Once here, a pledge never moves again, whatever late event arrives. */
export const FINAL_PLEDGE_STATUSES: PledgeStatus[] = ['canceled', 'completed'];

/** A recurring gift: one Stripe Subscription; each paid invoice is one installment donation. */
@Entity('pledges')
@Check(
  'pledges_status_check',
  `status IN ('incomplete', 'active', 'past_due', 'paused', 'canceled', 'completed')`,
)
@Check('pledges_interval_check', `interval IN ('week', 'month', 'quarter', 'year')`)
@Index('pledges_donor', ['donorId'])
@Index('pledges_status', ['status', 'createdAt'])
export class Pledge {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'campaign_id' })
  campaignId: string;

  @Column('uuid', { name: 'donor_id' })
  donorId: string;

  @ManyToOne(() => Campaign)
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @ManyToOne(() => Donor)
  @JoinColumn({ name: 'donor_id' })
  donor?: Donor;

  @Column('text', { default: 'incomplete' })
  status: PledgeStatus;

  /** What each installment charges (grossed up when covering fees), as Stripe now bills it. */
  @Column('bigint', { transformer: bigintTransformer })
  amount: number;

  @Column('char', { length: 3 })
  currency: string;

  @Column('bigint', { name: 'intended_amount', transformer: bigintTransformer })
  intendedAmount: number;

  @Column('boolean', { name: 'cover_fees', default: false })
  coverFees: boolean;

  @Column('text')
  interval: PledgeInterval;

  /** A pledge of a fixed number of payments completes by itself after the last. */
  @Column('integer', { nullable: true })
  installments: number | null;

  @Column('integer', { name: 'paid_installments', default: 0 })
  paidInstallments: number;

  /** True unless the donor asked to be named publicly (`anonymous: false` or a displayName). */
  @Column('boolean', { default: true })
  anonymous: boolean;

  /** What the donor asked to be shown publicly; installments inherit it. */
  @Column('text', { name: 'display_name', nullable: true })
  displayName: string | null;

  /** The name for this pledge's receipts, as sent when it was started. */
  @Column('text', { name: 'donor_name', nullable: true })
  donorName: string | null;

  /** The address for this pledge's receipts, as sent when it was started. */
  @Column('jsonb', { name: 'donor_address', nullable: true })
  donorAddress: PostalAddress | null;

  /** The pledge's own Stripe Customer: never shared with another pledge or found by email. */
  @Column('text', { name: 'stripe_customer_id', unique: true, nullable: true })
  stripeCustomerId: string | null;

  /**
   * The Stripe Checkout Session the pledge starts through, for one started by
   * `POST …/checkout-sessions` (Checkout makes its Subscription and Customer once the donor pays).
   */
  @Column('text', { name: 'checkout_session_id', unique: true, nullable: true })
  checkoutSessionId: string | null;

  @Column('text', { name: 'stripe_subscription_id', unique: true, nullable: true })
  stripeSubscriptionId: string | null;

  /**
   * The ticket (from `stripe_state_tickets`) of the Subscription state last applied to this
   * pledge: taken before that state was fetched (or before the call that returned it), so a
   * state fetched earlier never overwrites one fetched later.
   */
  @Column('bigint', { name: 'stripe_state_ticket', nullable: true, select: false })
  stripeStateTicket: string | null;

  /**
   * SHA-256 (hex) of the client secret of the first invoice's PaymentIntent, the one the site
   * that started the pledge was given: its proof for the pledge's status (never the secret).
   */
  @Column('text', { name: 'client_secret_hash', nullable: true, select: false })
  clientSecretHash: string | null;

  @Column('text', { name: 'stripe_subscription_item_id', nullable: true })
  stripeSubscriptionItemId: string | null;

  @Column('timestamptz', { name: 'current_period_end', nullable: true })
  currentPeriodEnd: Date | null;

  /**
   * When Stripe will end the subscription by itself (its `cancel_at`: the end of the paid period
   * once the pledge's campaign closed); null while it renews.
   */
  @Column('timestamptz', { name: 'ends_at', nullable: true })
  endsAt: Date | null;

  @Column('timestamptz', { name: 'paused_until', nullable: true })
  pausedUntil: Date | null;

  @Column('text', { name: 'cancel_reason', nullable: true })
  cancelReason: string | null;

  @Column('timestamptz', { name: 'canceled_at', nullable: true })
  canceledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
