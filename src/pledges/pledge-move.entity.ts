import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const MOVE_ACTORS = ['donor', 'staff'] as const;
export type MoveActor = (typeof MOVE_ACTORS)[number];

/**
 * A pledge moved from one campaign to another (same subscription and card). The invoice Stripe
 * had last made when it moved, and those before it, stay with `fromCampaignId`; later ones count
 * under `toCampaignId`. Invoices are ordered by Stripe's own clock (`created`), never against ours.
 */
@Entity('pledge_moves')
@Check('pledge_moves_by_check', `moved_by IN ('donor', 'staff')`)
@Check('pledge_moves_other_campaign', `from_campaign_id <> to_campaign_id`)
@Index('pledge_moves_pledge', ['pledgeId', 'movedAt'])
@Index('pledge_moves_from', ['fromCampaignId'])
export class PledgeMove {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'pledge_id' })
  pledgeId: string;

  @Column('uuid', { name: 'from_campaign_id' })
  fromCampaignId: string;

  @Column('uuid', { name: 'to_campaign_id' })
  toCampaignId: string;

  @Column('text', { name: 'moved_by' })
  movedBy: MoveActor;

  /** The subscription's latest invoice when it moved (null: it had none). */
  @Column('text', { name: 'last_invoice_id', nullable: true })
  lastInvoiceId: string | null;

  /** That invoice's `created`, by Stripe's clock. */
  @Column('timestamptz', { name: 'last_invoice_created', nullable: true })
  lastInvoiceCreated: Date | null;

  @CreateDateColumn({ name: 'moved_at', type: 'timestamptz' })
  movedAt: Date;
}
