import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../common/database/bigint.transformer';

/**
 * Progress toward a campaign's goal, in the goal's currency, kept in the same transaction as
 * the ledger entries it sums: reading it costs one row whatever the number of donations.
 */
@Entity('campaign_progress')
export class CampaignProgress {
  @PrimaryColumn('uuid', { name: 'campaign_id' })
  campaignId: string;

  /** Given, net of refunds and disputes, before Stripe's fees. */
  @Column('bigint', { default: 0, transformer: bigintTransformer })
  raised: number;

  @Column('bigint', { default: 0, transformer: bigintTransformer })
  fees: number;

  @Column('integer', { name: 'donation_count', default: 0 })
  donationCount: number;

  @Column('integer', { name: 'donor_count', default: 0 })
  donorCount: number;
}

/** The same sums per original currency, for reports. */
@Entity('campaign_currency_totals')
export class CampaignCurrencyTotals {
  @PrimaryColumn('uuid', { name: 'campaign_id' })
  campaignId: string;

  @PrimaryColumn('char', { length: 3 })
  currency: string;

  @Column('bigint', { default: 0, transformer: bigintTransformer })
  gross: number;

  @Column('bigint', { default: 0, transformer: bigintTransformer })
  fees: number;

  @Column('bigint', { default: 0, transformer: bigintTransformer })
  refunds: number;

  @Column('bigint', { default: 0, transformer: bigintTransformer })
  disputes: number;

  @Column('integer', { name: 'donation_count', default: 0 })
  donationCount: number;
}

/** Who has given to a campaign, so that distinct donors are counted once. */
@Entity('campaign_donors')
export class CampaignDonor {
  @PrimaryColumn('uuid', { name: 'campaign_id' })
  campaignId: string;

  @PrimaryColumn('uuid', { name: 'donor_id' })
  donorId: string;
}

/**
 * Ledger entries appended but not yet folded into the totals above and the hourly rollup. A
 * payment's transaction only inserts rows (here and in the ledger), so payments of one
 * campaign never wait on each other's totals; one folder at a time moves these rows into the
 * totals in batches (see LedgerRepository.fold), deleting them in the same transaction. Every
 * read adds what is still here, so totals are exact and current the moment a payment commits.
 */
@Entity('ledger_unfolded')
@Index('ledger_unfolded_campaign', ['campaignId'])
export class LedgerUnfolded {
  @PrimaryColumn('bigint', { name: 'entry_id' })
  entryId: string;

  /** The entry's campaign (null: none), so a campaign's pending sums are an index range. */
  @Column('uuid', { name: 'campaign_id', nullable: true })
  campaignId: string | null;

  /** 1 on the entry that brought a donor to the campaign for the first time: donor_count. */
  @Column('smallint', { name: 'new_donors', default: 0 })
  newDonors: number;
}
