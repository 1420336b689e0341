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

export const ACTION_STATUSES = ['draft', 'active', 'closed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/**
 * A campaign action: a letter to a named target that supporters sign. Its letter text lives in
 * `action_letters`, one row per version; `letter_version` is the current one.
 */
@Entity('actions')
@Check('actions_status_check', `status IN ('draft', 'active', 'closed')`)
@Check('actions_goal_positive', `goal > 0`)
@Index('actions_campaign_slug', ['campaignId', 'slug'], { unique: true })
export class Action {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { nullable: false })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Column('text')
  slug: string;

  @Column('text')
  title: string;

  @Column('text', { default: '' })
  description: string;

  /** Who the letter goes to: a public figure or office, shown publicly by name. */
  @Column('text', { name: 'target_name' })
  targetName: string;

  /** Where deliveries are sent; staff only, never public. */
  @Column('text', { name: 'target_email' })
  targetEmail: string;

  /** How many signatures the campaign aims for. */
  @Column('integer')
  goal: number;

  @Column('text', { default: 'draft' })
  status: ActionStatus;

  /** When deliveries go out on their own (a cron expression); null: only by hand. */
  @Column('text', { name: 'delivery_cron', nullable: true })
  deliveryCron: string | null;

  /** The current letter version (a row of `action_letters`). */
  @Column('integer', { name: 'letter_version', default: 1 })
  letterVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'closed_at', nullable: true })
  closedAt: Date | null;
}
