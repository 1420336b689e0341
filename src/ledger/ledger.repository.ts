import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { toSafeInteger } from '../common/database/bigint.transformer';
import { LedgerKind } from './ledger-entry.entity';
import {
  addDonorGifts,
  HOURLY_FOLD,
  NO_CAMPAIGN,
  REBUILD_REPORT_ROLLUPS,
  ROLLUP_DRIFT,
} from './report-rollups';
import { PROGRESS_FEES, PROGRESS_NOW, PROGRESS_RAISED } from './progress-sql';

export interface NewLedgerEntry {
  dedupeKey: string;
  kind: LedgerKind;
  amount: number;
  currency: string;
  settledAmount: number;
  settledCurrency: string;
  stripePaymentIntentId?: string | null;
  stripeChargeId?: string | null;
  stripeBalanceTransactionId?: string | null;
  stripeRefundId?: string | null;
  stripeDisputeId?: string | null;
  occurredAt: Date;
}

/** Whose gift an entry belongs to: the donation, and its campaign and donor when known. */
export interface GiftOwner {
  donationId: string;
  campaignId: string | null;
  donorId: string | null;
}

/** A campaign's progress toward its goal, in the goal currency. */
export interface Progress {
  raised: number;
  fees: number;
  donationCount: number;
  donorCount: number;
}

export interface TotalsDrift {
  campaignId: string | null;
  field: string;
  currency: string | null;
  stored: number;
  fromLedger: number;
}

/** The one folder's advisory lock. */
const FOLD_LOCK = 'ledger-fold';

/** Entries folded per transaction. */
export const FOLD_BATCH = 5000;

const CURRENCY_SUMS = `
  sum(CASE WHEN e.kind = 'charge' THEN e.amount ELSE 0 END) AS gross,
  sum(CASE WHEN e.kind IN ('fee', 'dispute_fee') THEN -e.amount ELSE 0 END) AS fees,
  sum(CASE WHEN e.kind IN ('refund', 'refund_reversal') THEN -e.amount ELSE 0 END) AS refunds,
  sum(CASE WHEN e.kind = 'dispute' THEN -e.amount ELSE 0 END) AS disputes,
  count(*) FILTER (WHERE e.kind = 'charge') AS donation_count`;

@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A new campaign's progress row, at zero, in the caller's transaction. */
  async openProgress(em: EntityManager, campaignId: string): Promise<void> {
    await em.query(`INSERT INTO campaign_progress (campaign_id) VALUES ($1)`, [campaignId]);
  }

  /**
   * One primary-key read per campaign, plus its entries not yet folded (an index range, empty
   * but for the last moment's payments): the same cost at a thousand donations or ten million.
   */
  async progress(campaignIds: string[]): Promise<Map<string, Progress>> {
    const rows: Record<string, string>[] = campaignIds.length
      ? await this.dataSource.query(
          `SELECT campaign_id, raised, fees, donation_count, donor_count
             FROM (${PROGRESS_NOW}) now WHERE campaign_id = ANY($1)`,
          [campaignIds],
        )
      : [];
    return new Map(rows.map((r) => [r.campaign_id, toProgress(r)]));
  }

  async progressBySlug(slug: string): Promise<Progress | null> {
    const rows: Record<string, string>[] = await this.dataSource.query(
      `SELECT raised, fees, donation_count, donor_count FROM (${PROGRESS_NOW}) now WHERE slug = $1`,
      [slug],
    );
    return rows.length ? toProgress(rows[0]) : null;
  }

  /**
   * Appends entries (those already present by dedupe key are skipped) in the caller's
   * transaction, and notes exactly the new ones as pending (ledger_unfolded) for the folder to
   * add to the campaign's totals; reads add them meanwhile. Returns the keys added.
   */
  async append(em: EntityManager, link: GiftOwner, entries: NewLedgerEntry[]): Promise<string[]> {
    if (!entries.length) return [];
    const inserted: {
      id: string;
      dedupe_key: string;
      kind: string;
      currency: string;
      occurred_at: Date;
    }[] = await em.query(
      `INSERT INTO ledger_entries (dedupe_key, donation_id, campaign_id, kind, amount, currency,
              settled_amount, settled_currency, stripe_payment_intent_id, stripe_charge_id,
              stripe_balance_transaction_id, stripe_refund_id, stripe_dispute_id, occurred_at)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::text[],
              $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
              $14::timestamptz[])
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id, dedupe_key, kind, currency, occurred_at`,
      [
        entries.map((e) => e.dedupeKey),
        entries.map(() => link.donationId),
        entries.map(() => link.campaignId),
        entries.map((e) => e.kind),
        entries.map((e) => e.amount),
        entries.map((e) => e.currency),
        entries.map((e) => e.settledAmount),
        entries.map((e) => e.settledCurrency),
        entries.map((e) => e.stripePaymentIntentId ?? null),
        entries.map((e) => e.stripeChargeId ?? null),
        entries.map((e) => e.stripeBalanceTransactionId ?? null),
        entries.map((e) => e.stripeRefundId ?? null),
        entries.map((e) => e.stripeDisputeId ?? null),
        entries.map((e) => e.occurredAt.toISOString()),
      ],
    );
    if (!inserted.length) return [];
    const ids = inserted.map((r) => r.id);
    // Rows of this donor only (their gift chain, whether they are new to the campaign), then
    // the entries noted for the folder: nothing every payment of a campaign shares.
    const charges = inserted
      .filter((r) => r.kind === 'charge')
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((r) => ({
        id: r.id,
        campaignId: link.campaignId,
        currency: r.currency,
        occurredAt: r.occurred_at,
      }));
    await addDonorGifts(em, charges, link.donorId);
    const countsDonor = Boolean(
      link.campaignId && link.donorId && inserted.some((r) => r.kind === 'charge'),
    );
    await em.query(
      `WITH donor AS (
         INSERT INTO campaign_donors (campaign_id, donor_id) SELECT $2, $3 WHERE $4::boolean
         ON CONFLICT DO NOTHING RETURNING 1)
       INSERT INTO ledger_unfolded (entry_id, campaign_id, new_donors)
       SELECT id, $2, CASE WHEN n = 1 THEN (SELECT count(*) FROM donor) ELSE 0 END
         FROM unnest($1::bigint[]) WITH ORDINALITY AS t(id, n)`,
      [ids, link.campaignId, link.donorId, countsDonor],
    );
    return inserted.map((r) => r.dedupe_key);
  }

  /** Which of these dedupe keys the ledger already holds, in one query. */
  async existingKeys(em: EntityManager, dedupeKeys: string[]): Promise<Set<string>> {
    if (!dedupeKeys.length) return new Set();
    const rows: { dedupe_key: string }[] = await em.query(
      `SELECT dedupe_key FROM ledger_entries WHERE dedupe_key = ANY($1)`,
      [dedupeKeys],
    );
    return new Set(rows.map((r) => r.dedupe_key));
  }

  /**
   * Folds up to `limit` pending entries into the campaign totals and the hourly rollup, and
   * deletes them from ledger_unfolded, in one transaction: an entry is folded exactly once,
   * and a read (folded + pending) never sees it twice or not at all. One folder at a time
   * (another answers 0 at once): the totals' rows are written by nobody else. Returns how
   * many entries it folded.
   */
  async fold(limit: number): Promise<number> {
    // Idle, the usual case between payments: one cheap read, no transaction.
    const [pending]: { any: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM ledger_unfolded) AS any`,
    );
    if (!pending.any) return 0;
    return this.dataSource.transaction(async (em) => {
      const [{ locked }]: { locked: boolean }[] = await em.query(
        `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked`,
        [FOLD_LOCK],
      );
      return locked ? this.foldBatch(em, limit) : 0;
    });
  }

  /** Whether entries wait to be folded, and since when the oldest (for gauges and health). */
  async unfolded(): Promise<{ count: number; oldestAt: Date | null }> {
    const [row]: { count: string; oldest_at: Date | null }[] = await this.dataSource.query(
      `SELECT count(*) AS count, min(e.created_at) AS oldest_at
         FROM ledger_unfolded u JOIN ledger_entries e ON e.id = u.entry_id`,
    );
    return { count: Number(row.count), oldestAt: row.oldest_at };
  }

  private async foldBatch(em: EntityManager, limit: number): Promise<number> {
    const [row]: { folded: string }[] = await em.query(
      `WITH batch AS (
         DELETE FROM ledger_unfolded WHERE entry_id IN (
           SELECT entry_id FROM ledger_unfolded ORDER BY entry_id LIMIT $1)
         RETURNING entry_id, new_donors),
       hourly AS (${HOURLY_FOLD} RETURNING 1),
       progress AS (
         INSERT INTO campaign_progress AS p (campaign_id, raised, fees, donation_count, donor_count)
         SELECT c.id, coalesce(sum(${PROGRESS_RAISED}), 0), coalesce(sum(${PROGRESS_FEES}), 0),
                count(*) FILTER (WHERE e.kind = 'charge'), sum(b.new_donors)
           FROM batch b JOIN ledger_entries e ON e.id = b.entry_id JOIN campaigns c ON c.id = e.campaign_id
          GROUP BY c.id
         ON CONFLICT (campaign_id) DO UPDATE SET
           raised = p.raised + EXCLUDED.raised, fees = p.fees + EXCLUDED.fees,
           donation_count = p.donation_count + EXCLUDED.donation_count,
           donor_count = p.donor_count + EXCLUDED.donor_count
         RETURNING 1),
       currency AS (
         INSERT INTO campaign_currency_totals AS t (campaign_id, currency, gross, fees, refunds, disputes, donation_count)
         SELECT e.campaign_id, e.currency, ${CURRENCY_SUMS}
           FROM batch b JOIN ledger_entries e ON e.id = b.entry_id WHERE e.campaign_id IS NOT NULL
          GROUP BY e.campaign_id, e.currency
         ON CONFLICT (campaign_id, currency) DO UPDATE SET
           gross = t.gross + EXCLUDED.gross, fees = t.fees + EXCLUDED.fees,
           refunds = t.refunds + EXCLUDED.refunds, disputes = t.disputes + EXCLUDED.disputes,
           donation_count = t.donation_count + EXCLUDED.donation_count
         RETURNING 1)
       SELECT (SELECT count(*) FROM batch) AS folded, (SELECT count(*) FROM hourly) AS hourly,
              (SELECT count(*) FROM progress) AS progress, (SELECT count(*) FROM currency) AS currency`,
      [limit],
    );
    return Number(row.folded);
  }

  /** Totals recomputed from the ledger compared with the stored ones; with `fix`, repaired. */
  async reconcile(fix: boolean): Promise<TotalsDrift[]> {
    return this.dataSource.transaction(async (em) => {
      // Nobody adds to the totals while we compare and repair them: the folder's lock first (as
      // the folder takes it), then the tables in the order a payment writes them, so that a
      // payment under way finishes before we start and none waits on us holding what we need.
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [FOLD_LOCK]);
      await em.query(
        `LOCK TABLE campaign_donor_gifts, donor_first_gifts, campaign_donors, ledger_unfolded,
           campaign_progress, campaign_currency_totals, ledger_hourly IN EXCLUSIVE MODE`,
      );
      // Everything committed is folded first: drift is then a difference of stored sums only.
      while ((await this.foldBatch(em, FOLD_BATCH)) > 0);
      const drift: TotalsDrift[] = [];
      const progress: Record<string, string>[] = await em.query(
        `WITH truth AS (
           SELECT c.id AS campaign_id,
                  coalesce(sum(${PROGRESS_RAISED}), 0) AS raised,
                  coalesce(sum(${PROGRESS_FEES}), 0) AS fees,
                  count(e.id) FILTER (WHERE e.kind = 'charge') AS donation_count,
                  (SELECT count(DISTINCT d.donor_id) FROM ledger_entries ce JOIN donations d ON d.id = ce.donation_id
                    WHERE ce.campaign_id = c.id AND ce.kind = 'charge' AND d.donor_id IS NOT NULL) AS donor_count
             FROM campaigns c LEFT JOIN ledger_entries e ON e.campaign_id = c.id
            GROUP BY c.id)
         SELECT t.*, coalesce(p.raised, 0) AS s_raised, coalesce(p.fees, 0) AS s_fees,
                coalesce(p.donation_count, 0) AS s_donation_count, coalesce(p.donor_count, 0) AS s_donor_count
           FROM truth t LEFT JOIN campaign_progress p ON p.campaign_id = t.campaign_id`,
      );
      for (const r of progress) {
        for (const field of ['raised', 'fees', 'donation_count', 'donor_count']) {
          if (Number(r[field]) !== Number(r[`s_${field}`])) {
            drift.push({
              campaignId: r.campaign_id,
              field,
              currency: null,
              stored: Number(r[`s_${field}`]),
              fromLedger: Number(r[field]),
            });
          }
        }
      }
      const currency: Record<string, string>[] = await em.query(
        `WITH truth AS (
           SELECT e.campaign_id, e.currency, ${CURRENCY_SUMS}
             FROM ledger_entries e WHERE e.campaign_id IS NOT NULL GROUP BY e.campaign_id, e.currency)
         SELECT coalesce(t.campaign_id, s.campaign_id) AS campaign_id, coalesce(t.currency, s.currency) AS currency,
                coalesce(t.gross, 0) AS gross, coalesce(t.fees, 0) AS fees, coalesce(t.refunds, 0) AS refunds,
                coalesce(t.disputes, 0) AS disputes, coalesce(t.donation_count, 0) AS donation_count,
                coalesce(s.gross, 0) AS s_gross, coalesce(s.fees, 0) AS s_fees, coalesce(s.refunds, 0) AS s_refunds,
                coalesce(s.disputes, 0) AS s_disputes, coalesce(s.donation_count, 0) AS s_donation_count
           FROM truth t FULL JOIN campaign_currency_totals s ON s.campaign_id = t.campaign_id AND s.currency = t.currency`,
      );
      for (const r of currency) {
        for (const field of ['gross', 'fees', 'refunds', 'disputes', 'donation_count']) {
          if (Number(r[field]) !== Number(r[`s_${field}`])) {
            drift.push({
              campaignId: r.campaign_id,
              field,
              currency: r.currency,
              stored: Number(r[`s_${field}`]),
              fromLedger: Number(r[field]),
            });
          }
        }
      }
      const rollups: Record<string, string>[] = await em.query(ROLLUP_DRIFT);
      for (const r of rollups) {
        for (const field of ['gross', 'net', 'donation_count']) {
          if (Number(r[field]) !== Number(r[`s_${field}`])) {
            drift.push({
              campaignId: r.campaign_key === NO_CAMPAIGN ? null : r.campaign_key,
              field: `hourly_${field}`,
              currency: r.currency,
              stored: Number(r[`s_${field}`]),
              fromLedger: Number(r[field]),
            });
          }
        }
      }
      if (fix && drift.length) await this.rebuildTotals(em);
      return drift;
    });
  }

  private async rebuildTotals(em: EntityManager): Promise<void> {
    for (const statement of REBUILD_REPORT_ROLLUPS) await em.query(statement);
    await em.query(`DELETE FROM campaign_donors`);
    await em.query(
      `INSERT INTO campaign_donors (campaign_id, donor_id)
       SELECT DISTINCT e.campaign_id, d.donor_id FROM ledger_entries e JOIN donations d ON d.id = e.donation_id
        WHERE e.kind = 'charge' AND e.campaign_id IS NOT NULL AND d.donor_id IS NOT NULL`,
    );
    await em.query(`DELETE FROM campaign_progress`);
    await em.query(
      `INSERT INTO campaign_progress (campaign_id, raised, fees, donation_count, donor_count)
       SELECT c.id, coalesce(sum(${PROGRESS_RAISED}), 0), coalesce(sum(${PROGRESS_FEES}), 0),
              count(e.id) FILTER (WHERE e.kind = 'charge'),
              (SELECT count(*) FROM campaign_donors cd WHERE cd.campaign_id = c.id)
         FROM campaigns c LEFT JOIN ledger_entries e ON e.campaign_id = c.id GROUP BY c.id`,
    );
    await em.query(`DELETE FROM campaign_currency_totals`);
    await em.query(
      `INSERT INTO campaign_currency_totals (campaign_id, currency, gross, fees, refunds, disputes, donation_count)
       SELECT e.campaign_id, e.currency, ${CURRENCY_SUMS}
         FROM ledger_entries e WHERE e.campaign_id IS NOT NULL GROUP BY e.campaign_id, e.currency`,
    );
  }
}

function toProgress(r: Record<string, string>): Progress {
  return {
    raised: toSafeInteger(r.raised),
    fees: toSafeInteger(r.fees),
    donationCount: Number(r.donation_count),
    donorCount: Number(r.donor_count),
  };
}
