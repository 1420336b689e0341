/**
 * Loads succeeded card gifts fast, straight in SQL: donors, donations, their ledger entries
 * (a charge and a Stripe fee each, as a real payment leaves them), then the campaign totals
 * set from the ledger the way `reconcile --fix` computes them.
 */
import { Client } from 'pg';
import { REBUILD_REPORT_ROLLUPS } from '../../src/ledger/report-rollups';

export interface GiftLoad {
  campaignIds: string[];
  /** Gift numbers `from`..`to` (inclusive); numbers make the Stripe ids unique. */
  from: number;
  to: number;
  /** Gifts are spread over this many donors (donor-<k>@example.org, created as needed). */
  donors: number;
  /** Calendar year the gifts are spread over (UTC). */
  year: number;
}

export async function loadGifts(db: Client, load: GiftLoad): Promise<void> {
  await db.query(
    `INSERT INTO donors (email, name)
     SELECT 'donor-' || k || '@example.org', 'Donor ' || k FROM generate_series(1, $1::int) k
     ON CONFLICT (email) DO NOTHING`,
    [load.donors],
  );
  await db.query(
    `WITH donor_ids AS (SELECT array_agg(id ORDER BY id) AS ids FROM donors),
     gifts AS (
       SELECT g, (500 + (g % 200) * 25)::bigint AS amount,
              make_timestamptz($4, 1, 1, 0, 0, 0, 'UTC')
                + ((g::bigint * 7919) % 31536000) * interval '1 second' AS at,
              ($3::uuid[])[1 + g % array_length($3::uuid[], 1)] AS campaign_id,
              di.ids[1 + g % array_length(di.ids, 1)] AS donor_id
         FROM generate_series($1::int, $2::int) g CROSS JOIN donor_ids di),
     donations_in AS (
       INSERT INTO donations (campaign_id, donor_id, kind, status, amount, currency, intended_amount,
              stripe_payment_intent_id, stripe_charge_id, received_amount, received_currency,
              fee_amount, settled_amount, settled_currency, succeeded_at, created_at, method)
       SELECT campaign_id, donor_id, 'one_off', 'succeeded', amount, 'usd', amount,
              'pi_bench_' || g, 'ch_bench_' || g, amount, 'usd',
              round(amount * 0.029) + 30, amount - round(amount * 0.029) - 30, 'usd', at, at, 'card'
         FROM gifts
       RETURNING id, campaign_id, amount, fee_amount, stripe_payment_intent_id, stripe_charge_id, succeeded_at)
     INSERT INTO ledger_entries (dedupe_key, donation_id, campaign_id, kind, amount, currency,
            settled_amount, settled_currency, stripe_payment_intent_id, stripe_charge_id,
            stripe_balance_transaction_id, occurred_at)
     SELECT k.kind || ':' || d.stripe_charge_id, d.id, d.campaign_id, k.kind,
            CASE k.kind WHEN 'charge' THEN d.amount ELSE -d.fee_amount END, 'usd',
            CASE k.kind WHEN 'charge' THEN d.amount ELSE -d.fee_amount END, 'usd',
            d.stripe_payment_intent_id, d.stripe_charge_id,
            'txn_' || substr(d.stripe_charge_id, 4), d.succeeded_at
       FROM donations_in d CROSS JOIN (VALUES ('charge'), ('fee')) k(kind)`,
    [load.from, load.to, load.campaignIds, load.year],
  );
}

/** Campaign totals and report rollups recomputed from the ledger (what the ledger repository keeps up to date). */
export async function setTotalsFromLedger(db: Client): Promise<void> {
  await db.query(`DELETE FROM campaign_donors`);
  await db.query(
    `INSERT INTO campaign_donors (campaign_id, donor_id)
     SELECT DISTINCT campaign_id, donor_id FROM donations
      WHERE status = 'succeeded' AND campaign_id IS NOT NULL AND donor_id IS NOT NULL`,
  );
  await db.query(
    `UPDATE campaign_progress p SET
        raised = coalesce(s.raised, 0), fees = coalesce(s.fees, 0),
        donation_count = coalesce(s.donation_count, 0),
        donor_count = (SELECT count(*) FROM campaign_donors cd WHERE cd.campaign_id = p.campaign_id)
       FROM campaigns c LEFT JOIN (
         SELECT campaign_id,
                sum(amount) FILTER (WHERE kind IN ('charge', 'refund', 'refund_reversal', 'dispute')) AS raised,
                -sum(settled_amount) FILTER (WHERE kind IN ('fee', 'dispute_fee')) AS fees,
                count(*) FILTER (WHERE kind = 'charge') AS donation_count
           FROM ledger_entries GROUP BY campaign_id) s ON s.campaign_id = c.id
      WHERE p.campaign_id = c.id`,
  );
  await db.query(`DELETE FROM campaign_currency_totals`);
  await db.query(
    `INSERT INTO campaign_currency_totals (campaign_id, currency, gross, fees, refunds, disputes, donation_count)
     SELECT campaign_id, currency,
            coalesce(sum(amount) FILTER (WHERE kind = 'charge'), 0),
            coalesce(-sum(amount) FILTER (WHERE kind IN ('fee', 'dispute_fee')), 0),
            coalesce(-sum(amount) FILTER (WHERE kind IN ('refund', 'refund_reversal')), 0),
            coalesce(-sum(amount) FILTER (WHERE kind = 'dispute'), 0),
            count(*) FILTER (WHERE kind = 'charge')
       FROM ledger_entries WHERE campaign_id IS NOT NULL GROUP BY campaign_id, currency`,
  );
  for (const statement of REBUILD_REPORT_ROLLUPS) await db.query(statement);
  await db.query(`VACUUM ANALYZE`);
}
