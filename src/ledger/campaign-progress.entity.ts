import { Column, Entity, PrimaryColumn } from 'typeorm';
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
