import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { toSafeInteger } from '../common/database/bigint.transformer';
import { DonationStatus } from '../donations/donation.entity';
import { SQL_NEUTRALIZE } from './csv-safety';
import { ReportInterval, ReportPeriod } from './report-period';
import { ReportMethod } from './report-query.dto';

/** Sums of one campaign (null: payments no campaign claims) in one currency, over a period. */
export interface CampaignCurrencyRow {
  campaignId: string | null;
  slug: string | null;
  title: string | null;
  goalAmount: number | null;
  goalCurrency: string | null;
  /** All-time progress (campaign_progress), in the goal currency. */
  raised: number | null;
  currency: string;
  gross: number;
  stripeFees: number;
  refunds: number;
  disputes: number;
  disputeFees: number;
  net: number;
  donationCount: number;
  distinctDonors: number;
  newDonors: number;
  oneOffGross: number;
  oneOffCount: number;
  recurringGross: number;
  recurringCount: number;
  activePledges: number;
  monthlyRecurring: number;
}

export interface SeriesPoint {
  /** First day of the bucket, in the organisation's time zone. */
  start: string;
  currency: string;
  gross: number;
  net: number;
  donationCount: number;
}

export interface EntryFilters {
  period: ReportPeriod;
  timeZone: string;
  campaignId?: string;
  status?: DonationStatus;
  method?: ReportMethod;
}

export interface EntryCursor {
  occurredAt: string;
  id: string;
}

/** One ledger entry with its donation, campaign and donor, as finance exports it. */
export interface EntryRow {
  entryId: string;
  occurredAt: string;
  kind: string;
  amount: number;
  currency: string;
  settledAmount: number;
  settledCurrency: string;
  donationId: string | null;
  donationKind: string | null;
  donationStatus: string | null;
  /** `card` (Stripe), `cheque`, `bank_transfer` or `cash`. */
  donationMethod: string | null;
  campaign: string | null;
  donorId: string | null;
  /** Null once the donor is erased (anonymous donors' names are shown: this is for finance). */
  donorName: string | null;
  donorEmail: string | null;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
  stripeInvoiceId: string | null;
  stripeBalanceTransactionId: string | null;
  stripeRefundId: string | null;
  stripeDisputeId: string | null;
  /** Always null until payouts are recorded: no table links an entry to its payout yet. */
  stripePayoutId: string | null;
  /** Where the next page starts after this row. */
  cursor: EntryCursor;
}

type Raw = Record<string, unknown>;

const int = (value: unknown): number =>
  value === null || value === undefined ? 0 : toSafeInteger(value as string | number);
const intOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : toSafeInteger(value as string | number);
const str = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value).trim();

/**
 * The period as timestamps: from local midnight of `from` to local midnight after `to`, in the
 * organisation's zone (so a day of a DST change has its 23 or 25 hours). Parameters: $1 from,
 * $2 to, $3 time zone.
 */
const BOUNDS = `SELECT ($1::date::timestamp AT TIME ZONE $3) AS lo,
                       (($2::date + 1)::timestamp AT TIME ZONE $3) AS hi`;

/** Per-kind sums over ledger rows `e`, each reported as a positive loss (see ledger-entry.entity). */
const KIND_SUMS = `
  coalesce(sum(e.amount) FILTER (WHERE e.kind = 'charge'), 0) AS gross,
  coalesce(-sum(e.amount) FILTER (WHERE e.kind = 'fee'), 0) AS stripe_fees,
  coalesce(-sum(e.amount) FILTER (WHERE e.kind IN ('refund', 'refund_reversal')), 0) AS refunds,
  coalesce(-sum(e.amount) FILTER (WHERE e.kind = 'dispute'), 0) AS disputes,
  coalesce(-sum(e.amount) FILTER (WHERE e.kind = 'dispute_fee'), 0) AS dispute_fees,
  coalesce(sum(e.amount), 0) AS net,
  count(*) FILTER (WHERE e.kind = 'charge') AS donation_count`;

@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Per campaign and original currency over the period (fees are in the currency they settled
   * in, as the ledger keeps them). Every campaign has at least its goal-currency row; entries
   * of no campaign form a row of their own when no campaign is asked for.
   */
  async campaignCurrencySums(
    period: ReportPeriod,
    timeZone: string,
    campaignId?: string,
  ): Promise<CampaignCurrencyRow[]> {
    const rows: Raw[] = await this.dataSource.query(
      `WITH bounds AS (${BOUNDS}),
       period_entries AS (
         SELECT e.*, d.kind AS donation_kind, d.donor_id
           FROM ledger_entries e
           JOIN bounds b ON e.occurred_at >= b.lo AND e.occurred_at < b.hi
           LEFT JOIN donations d ON d.id = e.donation_id
          WHERE $4::uuid IS NULL OR e.campaign_id = $4::uuid),
       first_gifts AS (
         SELECT d.donor_id, min(e.occurred_at) AS first_at
           FROM ledger_entries e JOIN donations d ON d.id = e.donation_id
          WHERE e.kind = 'charge'
            AND d.donor_id IN (SELECT donor_id FROM period_entries WHERE kind = 'charge')
          GROUP BY d.donor_id),
       sums AS (
         SELECT e.campaign_id, e.currency, ${KIND_SUMS},
                count(DISTINCT e.donor_id) FILTER (WHERE e.kind = 'charge') AS distinct_donors,
                count(DISTINCT e.donor_id) FILTER (
                  WHERE e.kind = 'charge' AND f.first_at >= b.lo AND f.first_at < b.hi) AS new_donors,
                coalesce(sum(e.amount) FILTER (
                  WHERE e.kind = 'charge' AND e.donation_kind IS DISTINCT FROM 'installment'), 0) AS one_off_gross,
                count(*) FILTER (
                  WHERE e.kind = 'charge' AND e.donation_kind IS DISTINCT FROM 'installment') AS one_off_count,
                coalesce(sum(e.amount) FILTER (
                  WHERE e.kind = 'charge' AND e.donation_kind = 'installment'), 0) AS recurring_gross,
                count(*) FILTER (WHERE e.kind = 'charge' AND e.donation_kind = 'installment') AS recurring_count
           FROM period_entries e
           CROSS JOIN bounds b
           LEFT JOIN first_gifts f ON f.donor_id = e.donor_id
          GROUP BY e.campaign_id, e.currency),
       pledge_sums AS (
         SELECT p.campaign_id, p.currency, count(*) AS active_pledges,
                sum(CASE WHEN p.interval = 'year' THEN p.amount / 12 ELSE p.amount END) AS monthly_recurring
           FROM pledges p
          WHERE p.status = 'active' AND ($4::uuid IS NULL OR p.campaign_id = $4::uuid)
          GROUP BY p.campaign_id, p.currency),
       row_keys AS (
         SELECT campaign_id, currency FROM sums
         UNION SELECT campaign_id, currency FROM pledge_sums
         UNION SELECT id, goal_currency FROM campaigns WHERE $4::uuid IS NULL OR id = $4::uuid)
       SELECT k.campaign_id, k.currency, c.slug, c.title, c.goal_amount, c.goal_currency,
              CASE WHEN c.id IS NULL THEN NULL ELSE coalesce(cp.raised, 0) END AS raised,
              s.gross, s.stripe_fees, s.refunds, s.disputes, s.dispute_fees, s.net, s.donation_count,
              s.distinct_donors, s.new_donors, s.one_off_gross, s.one_off_count, s.recurring_gross,
              s.recurring_count, ps.active_pledges, ps.monthly_recurring
         FROM row_keys k
         LEFT JOIN campaigns c ON c.id = k.campaign_id
         LEFT JOIN campaign_progress cp ON cp.campaign_id = k.campaign_id
         LEFT JOIN sums s ON s.campaign_id IS NOT DISTINCT FROM k.campaign_id AND s.currency = k.currency
         LEFT JOIN pledge_sums ps ON ps.campaign_id = k.campaign_id AND ps.currency = k.currency
        ORDER BY c.slug NULLS LAST, k.currency`,
      [period.from, period.to, timeZone, campaignId ?? null],
    );
    return rows.map((r) => ({
      campaignId: str(r.campaign_id),
      slug: str(r.slug),
      title: r.title === null ? null : String(r.title),
      goalAmount: intOrNull(r.goal_amount),
      goalCurrency: str(r.goal_currency),
      raised: intOrNull(r.raised),
      currency: str(r.currency)!,
      gross: int(r.gross),
      stripeFees: int(r.stripe_fees),
      refunds: int(r.refunds),
      disputes: int(r.disputes),
      disputeFees: int(r.dispute_fees),
      net: int(r.net),
      donationCount: int(r.donation_count),
      distinctDonors: int(r.distinct_donors),
      newDonors: int(r.new_donors),
      oneOffGross: int(r.one_off_gross),
      oneOffCount: int(r.one_off_count),
      recurringGross: int(r.recurring_gross),
      recurringCount: int(r.recurring_count),
      activePledges: int(r.active_pledges),
      monthlyRecurring: int(r.monthly_recurring),
    }));
  }

  /**
   * One campaign's gross, net and donation count per bucket and currency: every bucket of the
   * period (generate_series, local calendar of the organisation), zeros where nothing happened,
   * for every currency seen in the period and the goal's.
   */
  async series(
    campaignId: string,
    period: ReportPeriod,
    timeZone: string,
    interval: ReportInterval,
  ): Promise<SeriesPoint[]> {
    const rows: Raw[] = await this.dataSource.query(
      `WITH bounds AS (${BOUNDS}),
       buckets AS (
         SELECT generate_series(date_trunc($4, $1::date::timestamp), date_trunc($4, $2::date::timestamp),
                                ('1 ' || $4)::interval) AS start),
       entries AS (
         SELECT date_trunc($4, e.occurred_at AT TIME ZONE $3) AS start, e.currency, e.kind, e.amount
           FROM ledger_entries e JOIN bounds b ON e.occurred_at >= b.lo AND e.occurred_at < b.hi
          WHERE e.campaign_id = $5::uuid),
       currencies AS (
         SELECT currency FROM entries UNION SELECT goal_currency FROM campaigns WHERE id = $5::uuid)
       SELECT to_char(bk.start, 'YYYY-MM-DD') AS start, cu.currency,
              coalesce(sum(e.amount) FILTER (WHERE e.kind = 'charge'), 0) AS gross,
              coalesce(sum(e.amount), 0) AS net,
              count(e.kind) FILTER (WHERE e.kind = 'charge') AS donation_count
         FROM buckets bk CROSS JOIN currencies cu
         LEFT JOIN entries e ON e.start = bk.start AND e.currency = cu.currency
        GROUP BY bk.start, cu.currency
        ORDER BY bk.start, cu.currency`,
      [period.from, period.to, timeZone, interval, campaignId],
    );
    return rows.map((r) => ({
      start: String(r.start),
      currency: str(r.currency)!,
      gross: int(r.gross),
      net: int(r.net),
      donationCount: int(r.donation_count),
    }));
  }

  /** A page of entries in (occurred at, id) order, after `cursor`. */
  async entriesPage(
    filters: EntryFilters,
    limit: number,
    after?: EntryCursor,
  ): Promise<EntryRow[]> {
    const rows: Raw[] = await this.dataSource.query(`${ENTRIES_SQL} LIMIT $9`, [
      ...entriesParams(filters, after),
      limit,
    ]);
    return rows.map(toEntryRow);
  }

  /**
   * Every matching entry as CSV, formatted by Postgres itself (`COPY … TO STDOUT`, far faster
   * than formatting rows in Node), on a connection of its own. The stream applies backpressure
   * to the connection, so memory stays flat whatever the size; the connection is released
   * when the stream closes: at its end, on an error, or when the consumer destroys it.
   * COPY takes no bind parameters: every value is inlined with the driver's literal escaping.
   */
  async copyEntriesCsv(filters: EntryFilters): Promise<Readable> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      const values = entriesParams(filters).map((v) =>
        v === null ? 'NULL' : client.escapeLiteral(String(v)),
      );
      const select = ENTRIES_SQL.replace(/\$(\d+)/g, (_, n: string) => values[Number(n) - 1]);
      const source = client.query(
        copyTo(
          `COPY (SELECT ${CSV_SELECT} FROM (${select}) r) TO STDOUT WITH (FORMAT csv, HEADER true)`,
        ),
      );
      source.once('close', () => void runner.release());
      return source;
    } catch (error) {
      await runner.release();
      throw error;
    }
  }
}

/**
 * CSV columns in export order, computed in SQL from the entry query's columns. Donor-typed
 * text that looks like a formula gets a leading `'` (see csv-safety.ts).
 */
const CSV_SELECT = [
  `r.id AS entry_id`,
  `to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at`,
  `r.kind`,
  `r.amount`,
  `r.currency`,
  `r.settled_amount`,
  `r.settled_currency`,
  `r.donation_id`,
  `r.donation_kind`,
  `r.donation_status`,
  `r.donation_method`,
  `r.campaign`,
  `r.donor_id`,
  `${SQL_NEUTRALIZE('r.donor_name')} AS donor_name`,
  `${SQL_NEUTRALIZE('r.donor_email')} AS donor_email`,
  `r.stripe_payment_intent_id`,
  `r.stripe_charge_id`,
  `r.stripe_invoice_id`,
  `r.stripe_balance_transaction_id`,
  `r.stripe_refund_id`,
  `r.stripe_dispute_id`,
  `NULL::text AS stripe_payout_id`,
].join(', ');

function entriesParams(filters: EntryFilters, after?: EntryCursor): unknown[] {
  return [
    filters.period.from,
    filters.period.to,
    filters.timeZone,
    filters.campaignId ?? null,
    filters.status ?? null,
    filters.method ?? null,
    after?.occurredAt ?? null,
    after?.id ?? null,
  ];
}

/** Entries of the period matching the filters, in (occurred at, id) order. Parameters: see entriesParams. */
const ENTRIES_SQL = `WITH bounds AS (${BOUNDS})
    SELECT e.id, e.occurred_at, e.occurred_at::text AS cursor_at, e.kind, e.amount, e.currency,
           e.settled_amount, e.settled_currency, e.donation_id, d.kind AS donation_kind,
           d.status AS donation_status, d.method AS donation_method, c.slug AS campaign, d.donor_id,
           CASE WHEN dn.erased_at IS NULL THEN dn.name END AS donor_name,
           CASE WHEN dn.erased_at IS NULL THEN dn.email END AS donor_email,
           coalesce(e.stripe_payment_intent_id, d.stripe_payment_intent_id) AS stripe_payment_intent_id,
           coalesce(e.stripe_charge_id, d.stripe_charge_id) AS stripe_charge_id,
           d.stripe_invoice_id, e.stripe_balance_transaction_id, e.stripe_refund_id, e.stripe_dispute_id
      FROM ledger_entries e
      JOIN bounds b ON e.occurred_at >= b.lo AND e.occurred_at < b.hi
      LEFT JOIN donations d ON d.id = e.donation_id
      LEFT JOIN campaigns c ON c.id = e.campaign_id
      LEFT JOIN donors dn ON dn.id = d.donor_id
     WHERE ($4::uuid IS NULL OR e.campaign_id = $4::uuid)
       AND ($5::text IS NULL OR d.status = $5::text)
       AND ($6::text IS NULL OR d.method = $6::text)
       AND ($7::timestamptz IS NULL OR (e.occurred_at, e.id) > ($7::timestamptz, $8::bigint))
     ORDER BY e.occurred_at, e.id`;

function toEntryRow(r: Raw): EntryRow {
  return {
    entryId: String(r.id),
    occurredAt: (r.occurred_at as Date).toISOString(),
    kind: String(r.kind),
    amount: int(r.amount),
    currency: str(r.currency)!,
    settledAmount: int(r.settled_amount),
    settledCurrency: str(r.settled_currency)!,
    donationId: str(r.donation_id),
    donationKind: str(r.donation_kind),
    donationStatus: str(r.donation_status),
    donationMethod: str(r.donation_method),
    campaign: str(r.campaign),
    donorId: str(r.donor_id),
    donorName: r.donor_name === null || r.donor_name === undefined ? null : String(r.donor_name),
    donorEmail:
      r.donor_email === null || r.donor_email === undefined ? null : String(r.donor_email),
    stripePaymentIntentId: str(r.stripe_payment_intent_id),
    stripeChargeId: str(r.stripe_charge_id),
    stripeInvoiceId: str(r.stripe_invoice_id),
    stripeBalanceTransactionId: str(r.stripe_balance_transaction_id),
    stripeRefundId: str(r.stripe_refund_id),
    stripeDisputeId: str(r.stripe_dispute_id),
    stripePayoutId: null,
    cursor: { occurredAt: String(r.cursor_at), id: String(r.id) },
  };
}
