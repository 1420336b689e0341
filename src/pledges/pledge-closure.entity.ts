import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const CLOSURE_OUTCOMES = ['moved', 'stopped'] as const;
export type ClosureOutcome = (typeof CLOSURE_OUTCOMES)[number];

/**
 * A pledge that was running (active, paused or past due) when its campaign closed: its donor
 * chooses to move it (`moved`) or stop it (`stopped`); with no choice it ends at the end of its
 * paid period (Stripe `cancel_at_period_end`, set once `endingSetAt` is filled in).
 */
@Entity('pledge_closures')
@Check('pledge_closures_outcome_check', `outcome IN ('moved', 'stopped')`)
@Index('pledge_closures_campaign', ['campaignId'])
@Index('pledge_closures_pending_ending', ['createdAt'], { where: 'ending_set_at IS NULL' })
export class PledgeClosure {
  @PrimaryColumn('uuid', { name: 'pledge_id' })
  pledgeId: string;

  /** The campaign that closed (a moved pledge may meet a second closing later). */
  @PrimaryColumn('uuid', { name: 'campaign_id' })
  campaignId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When Stripe was told to end the subscription at the end of its period (or it needed not). */
  @Column('timestamptz', { name: 'ending_set_at', nullable: true })
  endingSetAt: Date | null;

  @Column('text', { nullable: true })
  outcome: ClosureOutcome | null;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt: Date | null;
}
