import { EntityManager } from 'typeorm';
import { lockFor } from '../common/database/locks';

/** `campaign_key` of entries no campaign claims (a primary key cannot hold NULL). */
export const NO_CAMPAIGN = '00000000-0000-0000-0000-000000000000';

/** Per-kind sums of ledger rows `e` joined to their donation `d`, as the hourly rollup keeps them. */
export const ROLLUP_SUMS = `
  coalesce(sum(e.amount) FILTER (WHERE e.kind = 'charge'), 0) AS gross,
  coalesce(-sum(e.amount) FILTER (WHERE e.kind = 'fee'), 0) AS stripe_fees,
  coalesce(-sum(e.amount) FILTER (WHERE e.kind IN ('refund', 'refund_reversal')), 0) AS refunds,
  coalesce(-sum(e.amount) FILTER (WHERE e.kind = 'dispute'), 0) AS disputes,
  coalesce(-sum(e.amount) FILTER (WHERE e.kind = 'dispute_fee'), 0) AS dispute_fees,
  coalesce(sum(e.amount), 0) AS net,
  count(*) FILTER (WHERE e.kind = 'charge') AS donation_count,
  coalesce(sum(e.amount) FILTER (
    WHERE e.kind = 'charge' AND d.kind IS DISTINCT FROM 'installment'), 0) AS one_off_gross,
  count(*) FILTER (WHERE e.kind = 'charge' AND d.kind IS DISTINCT FROM 'installment') AS one_off_count,
  coalesce(sum(e.amount) FILTER (WHERE e.kind = 'charge' AND d.kind = 'installment'), 0) AS recurring_gross,
  count(*) FILTER (WHERE e.kind = 'charge' AND d.kind = 'installment') AS recurring_count`;

const ROLLUP_COLUMNS = `campaign_key, currency, hour, gross, stripe_fees, refunds, disputes,
  dispute_fees, net, donation_count, one_off_gross, one_off_count, recurring_gross, recurring_count`;

const ROLLUP_SELECT = `SELECT coalesce(e.campaign_id, '${NO_CAMPAIGN}'::uuid), e.currency,
         date_trunc('hour', e.occurred_at, 'UTC'), ${ROLLUP_SUMS}
    FROM ledger_entries e LEFT JOIN donations d ON d.id = e.donation_id`;

/** Charges with a donor, chained (see CampaignDonorGift), straight from the ledger. */
const CHAIN_SELECT = `SELECT e.id, coalesce(e.campaign_id, '${NO_CAMPAIGN}'::uuid) AS campaign_key,
         e.currency, d.donor_id, e.occurred_at,
         lag(e.occurred_at) OVER (PARTITION BY coalesce(e.campaign_id, '${NO_CAMPAIGN}'::uuid),
                                  e.currency, d.donor_id ORDER BY e.occurred_at, e.id)
    FROM ledger_entries e JOIN donations d ON d.id = e.donation_id
   WHERE e.kind = 'charge' AND d.donor_id IS NOT NULL`;

/**
 * The report rollups rebuilt from the ledger: by `reconcile --fix` (which holds the totals and
 * ledger_unfolded locked, so no entry commits in between), and by the benchmarks after a bulk
 * load. Each statement stands alone, in this order.
 */
export const REBUILD_REPORT_ROLLUPS = [
  // The rollup is rebuilt from every entry: none is left to fold.
  `DELETE FROM ledger_unfolded`,
  `DELETE FROM ledger_hourly`,
  `INSERT INTO ledger_hourly (${ROLLUP_COLUMNS}) ${ROLLUP_SELECT} GROUP BY 1, 2, 3`,
  `DELETE FROM campaign_donor_gifts`,
  `INSERT INTO campaign_donor_gifts (entry_id, campaign_key, currency, donor_id, occurred_at, prev_at)
   ${CHAIN_SELECT}`,
  `DELETE FROM donor_first_gifts`,
  `INSERT INTO donor_first_gifts (donor_id, first_at)
   SELECT d.donor_id, min(e.occurred_at) FROM ledger_entries e JOIN donations d ON d.id = e.donation_id
    WHERE e.kind = 'charge' AND d.donor_id IS NOT NULL GROUP BY d.donor_id`,
];

/** Rollup sums per campaign and currency that differ from the ledger's (drift). */
export const ROLLUP_DRIFT = `
  WITH truth AS (
    SELECT coalesce(e.campaign_id, '${NO_CAMPAIGN}'::uuid) AS campaign_key, e.currency, ${ROLLUP_SUMS}
      FROM ledger_entries e LEFT JOIN donations d ON d.id = e.donation_id GROUP BY 1, 2),
  rolled AS (
    SELECT campaign_key, currency, sum(gross) AS gross, sum(net) AS net,
           sum(donation_count) AS donation_count
      FROM ledger_hourly GROUP BY 1, 2)
  SELECT coalesce(t.campaign_key, r.campaign_key) AS campaign_key, coalesce(t.currency, r.currency) AS currency,
         coalesce(t.gross, 0) AS gross, coalesce(r.gross, 0) AS s_gross,
         coalesce(t.net, 0) AS net, coalesce(r.net, 0) AS s_net,
         coalesce(t.donation_count, 0) AS donation_count, coalesce(r.donation_count, 0) AS s_donation_count
    FROM truth t FULL JOIN rolled r ON r.campaign_key = t.campaign_key AND r.currency = t.currency
   WHERE coalesce(t.gross, 0) <> coalesce(r.gross, 0) OR coalesce(t.net, 0) <> coalesce(r.net, 0)
      OR coalesce(t.donation_count, 0) <> coalesce(r.donation_count, 0)`;

/**
 * The hourly rollup's upsert of the entries a folding batch holds (`batch`, a CTE of
 * `entry_id`s), as a CTE of the folder's statement.
 */
export const HOURLY_FOLD = `INSERT INTO ledger_hourly AS h (${ROLLUP_COLUMNS})
     ${ROLLUP_SELECT} JOIN batch b ON b.entry_id = e.id GROUP BY 1, 2, 3
     ON CONFLICT (campaign_key, currency, hour) DO UPDATE SET
       gross = h.gross + EXCLUDED.gross, stripe_fees = h.stripe_fees + EXCLUDED.stripe_fees,
       refunds = h.refunds + EXCLUDED.refunds, disputes = h.disputes + EXCLUDED.disputes,
       dispute_fees = h.dispute_fees + EXCLUDED.dispute_fees, net = h.net + EXCLUDED.net,
       donation_count = h.donation_count + EXCLUDED.donation_count,
       one_off_gross = h.one_off_gross + EXCLUDED.one_off_gross,
       one_off_count = h.one_off_count + EXCLUDED.one_off_count,
       recurring_gross = h.recurring_gross + EXCLUDED.recurring_gross,
       recurring_count = h.recurring_count + EXCLUDED.recurring_count`;

/**
 * Per-kind sums (ROLLUP_SUMS) per campaign key and currency of the entries not yet folded whose
 * time falls in [$lo, $hi): what a report adds to the hourly rollup's whole hours.
 */
export function unfoldedRollupSums(lo: string, hi: string, campaign: string): string {
  return `SELECT coalesce(e.campaign_id, '${NO_CAMPAIGN}'::uuid), e.currency, ${ROLLUP_SUMS}
    FROM ledger_unfolded u JOIN ledger_entries e ON e.id = u.entry_id
    LEFT JOIN donations d ON d.id = e.donation_id
   WHERE e.occurred_at >= ${lo} AND e.occurred_at < ${hi}
     AND (${campaign}::uuid IS NULL OR e.campaign_id = ${campaign}::uuid)
   GROUP BY 1, 2`;
}

/** A charge just appended, as the ledger's insert returned it. */
export interface AppendedCharge {
  id: string;
  campaignId: string | null;
  currency: string;
  occurredAt: Date;
}

/**
 * Adds charges just appended to their donor's chain and first gift, in the caller's
 * transaction (the hourly sums are folded later, with the campaign totals). These rows are
 * the donor's own: only payments of one donor wait on each other here. One statement per
 * charge: the chain's new link, its successor re-linked (a charge that arrives late, before
 * others of the donor), and the donor's first gift. Its parts share one snapshot, so neither
 * the new link's predecessor nor its successor is the new link itself.
 */
export async function addDonorGifts(
  em: EntityManager,
  charges: AppendedCharge[],
  donorId: string | null,
): Promise<void> {
  if (!donorId || !charges.length) return;
  // Two payments of one donor settling at once must not both read the same neighbours.
  await lockFor(em, `donor-gifts:${donorId}`);
  for (const charge of charges) {
    await em.query(
      `WITH link AS (
         INSERT INTO campaign_donor_gifts (entry_id, campaign_key, currency, donor_id, occurred_at, prev_at)
         SELECT $5, $1, $2, $3, $4,
                (SELECT max(p.occurred_at) FROM campaign_donor_gifts p
                  WHERE p.campaign_key = $1 AND p.currency = $2 AND p.donor_id = $3
                    AND (p.occurred_at, p.entry_id) < ($4::timestamptz, $5::bigint))
         RETURNING 1),
       successor AS (
         UPDATE campaign_donor_gifts SET prev_at = $4
          WHERE entry_id = (SELECT n.entry_id FROM campaign_donor_gifts n
                             WHERE n.campaign_key = $1 AND n.currency = $2 AND n.donor_id = $3
                               AND (n.occurred_at, n.entry_id) > ($4::timestamptz, $5::bigint)
                             ORDER BY n.occurred_at, n.entry_id LIMIT 1)
         RETURNING 1)
       INSERT INTO donor_first_gifts AS f (donor_id, first_at) VALUES ($3, $4)
       ON CONFLICT (donor_id) DO UPDATE SET first_at = least(f.first_at, EXCLUDED.first_at)`,
      [charge.campaignId ?? NO_CAMPAIGN, charge.currency, donorId, charge.occurredAt, charge.id],
    );
  }
}
