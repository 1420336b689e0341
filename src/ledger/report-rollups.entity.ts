import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';

/**
 * The ledger summed per campaign, original currency and UTC hour, kept in the transaction
 * that appends the entries: a report over a year reads at most 8,760 rows per campaign and
 * currency instead of every entry. Hours fit every whole-hour time zone; a period edge that
 * falls inside an hour is read from the ledger itself (see reports.repository.ts).
 * `campaign_key` is the campaign, or NO_CAMPAIGN for payments no campaign claims.
 */
@Entity('ledger_hourly')
export class LedgerHourly {
  @PrimaryColumn('uuid', { name: 'campaign_key' })
  campaignKey: string;

  @PrimaryColumn('char', { length: 3 })
  currency: string;

  @PrimaryColumn('timestamptz')
  hour: Date;

  @Column('bigint', { default: 0, transformer: bigintTransformer })
  gross: number;

  @Column('bigint', { name: 'stripe_fees', default: 0, transformer: bigintTransformer })
  stripeFees: number;

  @Column('bigint', { default: 0, transformer: bigintTransformer })
  refunds: number;

  @Column('bigint', { default: 0, transformer: bigintTransformer })
  disputes: number;

  @Column('bigint', { name: 'dispute_fees', default: 0, transformer: bigintTransformer })
  disputeFees: number;

  @Column('bigint', { default: 0, transformer: bigintTransformer })
  net: number;

  @Column('integer', { name: 'donation_count', default: 0 })
  donationCount: number;

  @Column('bigint', { name: 'one_off_gross', default: 0, transformer: bigintTransformer })
  oneOffGross: number;

  @Column('integer', { name: 'one_off_count', default: 0 })
  oneOffCount: number;

  @Column('bigint', { name: 'recurring_gross', default: 0, transformer: bigintTransformer })
  recurringGross: number;

  @Column('integer', { name: 'recurring_count', default: 0 })
  recurringCount: number;
}

/**
 * Every charge with a donor, chained to the donor's previous charge to the same campaign in
 * the same currency (`prev_at`, by occurred at then entry id). A donor gave in [lo, hi) exactly
 * when one of their charges there has no previous one, or one before lo: so distinct donors
 * over any period are counted without DISTINCT. A late charge earlier than others re-links
 * its successor.
 */
@Entity('campaign_donor_gifts')
@Index('campaign_donor_gifts_chain', [
  'campaignKey',
  'currency',
  'donorId',
  'occurredAt',
  'entryId',
])
@Index('campaign_donor_gifts_first', ['occurredAt', 'campaignKey', 'currency', 'donorId'], {
  where: 'prev_at IS NULL',
})
// The planner reads whichever is smaller: the charges of the period, or those whose previous
// charge came before it (none at all for a period that starts before the first gift).
@Index('campaign_donor_gifts_window', ['occurredAt', 'prevAt', 'campaignKey', 'currency'])
@Index('campaign_donor_gifts_prev', ['prevAt', 'occurredAt', 'campaignKey', 'currency'])
export class CampaignDonorGift {
  @PrimaryColumn('bigint', { name: 'entry_id' })
  entryId: string;

  @Column('uuid', { name: 'campaign_key' })
  campaignKey: string;

  @Column('char', { length: 3 })
  currency: string;

  @Column('uuid', { name: 'donor_id' })
  donorId: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('timestamptz', { name: 'prev_at', nullable: true })
  prevAt: Date | null;
}

/** When each donor first gave, to any campaign: "new donors in the period". */
@Entity('donor_first_gifts')
export class DonorFirstGift {
  @PrimaryColumn('uuid', { name: 'donor_id' })
  donorId: string;

  @Column('timestamptz', { name: 'first_at' })
  firstAt: Date;
}
