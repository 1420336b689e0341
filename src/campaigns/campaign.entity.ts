import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintArrayTransformer, bigintTransformer } from '../common/database/bigint.transformer';
import type { GiftLimits } from './campaign-limits';
import type { SuggestedAmounts } from './suggested-amounts';

export const CAMPAIGN_STATUSES = ['draft', 'active', 'closed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const CLOSE_REASONS = ['staff', 'ended', 'goal'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

@Entity('campaigns')
@Check('campaigns_status_check', `status IN ('draft', 'active', 'closed')`)
@Check('campaigns_goal_positive', `goal_amount > 0`)
@Check('campaigns_close_reason_check', `close_reason IN ('staff', 'ended', 'goal')`)
@Check('campaigns_successor_not_self', `successor_campaign_id <> id`)
@Check('campaigns_stretch_goals_max', `cardinality(stretch_goals) <= 10`)
export class Campaign {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { unique: true })
  slug: string;

  @Column('text')
  title: string;

  @Column('text', { default: '' })
  description: string;

  @Column('bigint', { name: 'goal_amount', transformer: bigintTransformer })
  goalAmount: number;

  @Column('char', { name: 'goal_currency', length: 3 })
  goalCurrency: string;

  @Column('text', { array: true })
  currencies: string[];

  /**
   * Goals beyond the goal, in the goal currency's minor unit: each above `goal_amount` and the
   * one before it (see campaign-goals.ts). Empty: the goal is the only one.
   */
  @Column('bigint', {
    name: 'stretch_goals',
    array: true,
    default: '{}',
    transformer: bigintArrayTransformer,
  })
  stretchGoals: number[];

  /** Close the campaign once progress reaches its final goal (the last stretch goal, else the goal). */
  @Column('boolean', { name: 'close_at_goal', default: false })
  closeAtGoal: boolean;

  /** Minimum and maximum gift, in the goal currency's minor unit. */
  @Column('bigint', { name: 'min_amount', nullable: true, transformer: bigintTransformer })
  minAmount: number | null;

  @Column('bigint', { name: 'max_amount', nullable: true, transformer: bigintTransformer })
  maxAmount: number | null;

  /**
   * Minimum and maximum gift in each other accepted currency, in its minor unit
   * (`{ "eur": { "min": 500, "max": 100000 } }`). Null or {}: none.
   */
  @Column('jsonb', { nullable: true })
  limits: GiftLimits | null;

  /**
   * The amounts donation forms offer as buttons, per accepted currency, in its minor unit
   * (`{ "eur": [2500, 5000, 10000] }`). Null: the forms' defaults.
   */
  @Column('jsonb', { name: 'suggested_amounts', nullable: true })
  suggestedAmounts: SuggestedAmounts | null;

  @Column('boolean', { name: 'hide_amounts', default: false })
  hideAmounts: boolean;

  @Column('text', { default: 'draft' })
  status: CampaignStatus;

  /** The Stripe Product that recurring pledges to this campaign are billed under. */
  @Column('text', { name: 'stripe_product_id', unique: true, nullable: true })
  stripeProductId: string | null;

  @Column('timestamptz', { name: 'starts_at', nullable: true })
  startsAt: Date | null;

  @Column('timestamptz', { name: 'ends_at', nullable: true })
  endsAt: Date | null;

  /** When the campaign was closed (by staff, its `endsAt`, or reaching its goal); null while open. */
  @Column('timestamptz', { name: 'closed_at', nullable: true })
  closedAt: Date | null;

  /** Why it was closed: `staff` (the close route), `ended` (its `endsAt`) or `goal` (`closeAtGoal`). */
  @Column('text', { name: 'close_reason', nullable: true })
  closeReason: CloseReason | null;

  /** The campaign its pledge donors are offered to continue their gift to, once closed. */
  @Column('uuid', { name: 'successor_campaign_id', nullable: true })
  successorCampaignId: string | null;

  /** What staff told the pledge donors when closing it. */
  @Column('text', { name: 'close_message', nullable: true })
  closeMessage: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
