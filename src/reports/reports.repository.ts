import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { toSafeInteger } from '../common/database/bigint.transformer';
import { DonationStatus } from '../donations/donation.entity';
import { SQL_NEUTRALIZE } from '../common/csv/csv-safety';
import { PROGRESS_NOW } from '../ledger/progress-sql';
import { NO_CAMPAIGN, ROLLUP_SUMS, unfoldedRollupSums } from '../ledger/report-rollups';
import { ReportInterval, ReportPeriod } from './report-period';
import { ReportMethod, ReportOrder } from './report-query.dto';

/** Sums of one campaign (null: payments no campaign claims) in one currency, over a period. */
export interface CampaignCurrencyRow {
  campaignId: string | null;
  slug: string | null;
  title: string | null;
  goalAmount: number | null;
  goalCurrency: string | null;
  /** All-time progress (folded totals plus pending entries), in the goal currency. */
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

/** One action's confirmed signatures (withdrawn ones no longer count). */
export interface ActionSignaturesRow {
  campaignId: string;
  slug: string;
  title: string;
  /** Confirmed within the period. */
  signatures: number;
  /** Confirmed at any time. */
  totalSignatures: number;
}

/** Signatures of one action confirmed in one bucket. */
export interface SignaturePoint {
  start: string;
  /** Null for a bucket of a campaign with no action. */
  action: string | null;
  signatures: number;
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
  /** The campaign's title, for people (the slug is for machines). */
  campaignTitle: string | null;
  donorId: string | null;
  /**
   * The donor asked not to be named publicly with this gift (null: no gift, e.g. a fee). Staff
   * see the name regardless; the dashboard marks it so nobody repeats it in public.
   */
  anonymous: boolean | null;
  /**
   * The gift's own receipt name, as sent with it; null once the donor is erased (anonymous
   * gifts' names are shown: this is for finance).
   */
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

interface PeriodBounds {
  lo: Date;
  hi: Date;
  /** The first and last whole UTC hours inside [lo, hi): the rollup covers [alo, ahi). */
  alo: Date;
  ahi: Date;
}

/**
 * Sums per campaign and currency over [lo, hi): the whole UTC hours from the hourly rollup plus
 * the entries of those hours not yet folded into it, and the ledger itself where a period edge
 * falls inside an hour (zones such as UTC+5:30). Parameters: $1 lo, $2 hi, $3 alo, $4 ahi,
 * $5 campaign or null.
 */
const PERIOD_SUMS = `
  SELECT campaign_key, currency, sum(gross) AS gross, sum(stripe_fees) AS stripe_fees,
         sum(refunds) AS refunds, sum(disputes) AS disputes, sum(dispute_fees) AS dispute_fees,
         sum(net) AS net, sum(donation_count) AS donation_count, sum(one_off_gross) AS one_off_gross,
         sum(one_off_count) AS one_off_count, sum(recurring_gross) AS recurring_gross,
         sum(recurring_count) AS recurring_count
    FROM (SELECT h.campaign_key, h.currency, h.gross, h.stripe_fees, h.refunds, h.disputes,
                 h.dispute_fees, h.net, h.donation_count, h.one_off_gross, h.one_off_count,
                 h.recurring_gross, h.recurring_count
            FROM ledger_hourly h
           WHERE h.hour >= $3 AND h.hour < $4 AND ($5::uuid IS NULL OR h.campaign_key = $5::uuid)
          UNION ALL
          ${unfoldedRollupSums('$3', '$4', '$5')}
          UNION ALL
          SELECT coalesce(e.campaign_id, '${NO_CAMPAIGN}'::uuid), e.currency, ${ROLLUP_SUMS}
            FROM ledger_entries e LEFT JOIN donations d ON d.id = e.donation_id
           WHERE ((e.occurred_at >= $1 AND e.occurred_at < $3) OR (e.occurred_at >= $4 AND e.occurred_at < $2))
             AND ($5::uuid IS NULL OR e.campaign_id = $5::uuid)
           GROUP BY 1, 2) parts
   GROUP BY campaign_key, currency`;

/**
 * Distinct and new donors per campaign and currency over [lo, hi). A donor gave in the period
 * when one of their charges there has no previous one (a first gift, new when it is also their
 * first to any campaign) or a previous one before lo: at most one row per donor, read through
 * the indexes of campaign_donor_gifts, no DISTINCT. Parameters: $1 lo, $2 hi, $3 campaign or null.
 */
const PERIOD_DONORS = `
  SELECT campaign_key, currency, count(*) AS distinct_donors, count(*) FILTER (WHERE new) AS new_donors
    FROM (SELECT g.campaign_key, g.currency, f.first_at >= $1 AS new
            FROM campaign_donor_gifts g JOIN donor_first_gifts f ON f.donor_id = g.donor_id
           WHERE g.prev_at IS NULL AND g.occurred_at >= $1 AND g.occurred_at < $2
          UNION ALL
          SELECT g.campaign_key, g.currency, false
            FROM campaign_donor_gifts g
           WHERE g.prev_at < $1 AND g.occurred_at >= $1 AND g.occurred_at < $2) gifts
   WHERE $3::uuid IS NULL OR campaign_key = $3::uuid
   GROUP BY campaign_key, currency`;

/**
 * Each campaign's goal-currency row and one per currency it has active pledges in: goal,
 * all-time progress, active pledges and their monthly amount (each pledge's floored: a week
 * is 52/12 of a month's, a quarter a third, a year a twelfth). $1: campaign or null.
 */
const CAMPAIGN_ROWS = `
  WITH pledge_sums AS (
    SELECT p.campaign_id, p.currency, count(*) AS active_pledges,
           sum(CASE p.interval WHEN 'week' THEN p.amount * 52 / 12 WHEN 'quarter' THEN p.amount / 3
                               WHEN 'year' THEN p.amount / 12 ELSE p.amount END) AS monthly_recurring
      FROM pledges p
     WHERE p.status = 'active' AND ($1::uuid IS NULL OR p.campaign_id = $1::uuid)
     GROUP BY p.campaign_id, p.currency)
  SELECT c.id AS campaign_id, k.currency, c.slug, c.title, c.goal_amount, c.goal_currency,
         coalesce(cp.raised, 0) AS raised, ps.active_pledges, ps.monthly_recurring
    FROM campaigns c
    JOIN LATERAL (SELECT c.goal_currency AS currency
                  UNION SELECT currency FROM pledge_sums WHERE campaign_id = c.id) k ON true
    LEFT JOIN (${PROGRESS_NOW}) cp ON cp.campaign_id = c.id
    LEFT JOIN pledge_sums ps ON ps.campaign_id = c.id AND ps.currency = k.currency
   WHERE $1::uuid IS NULL OR c.id = $1::uuid`;

/**
 * Per campaign: how the pledges running at its closing went (reads pledge_closures, pledges and
 * pledge_moves, the pledges module's tables), and how many pledges were moved to it.
 */
const PLEDGE_CHANGES = `
  SELECT c.id AS campaign_id, c.closed_at, coalesce(max(mi.n), 0)::int AS moved_in,
         count(pc.pledge_id) FILTER (WHERE pc.outcome = 'moved')::int AS moved,
         count(pc.pledge_id) FILTER (WHERE pc.outcome = 'stopped')::int AS stopped,
         count(pc.pledge_id) FILTER (WHERE pc.outcome IS NULL AND p.status IN ('canceled', 'completed'))::int AS ended,
         count(pc.pledge_id) FILTER (WHERE pc.outcome IS NULL AND p.status NOT IN ('canceled', 'completed'))::int AS awaiting
    FROM campaigns c
    LEFT JOIN pledge_closures pc ON pc.campaign_id = c.id
    LEFT JOIN pledges p ON p.id = pc.pledge_id
    LEFT JOIN (SELECT to_campaign_id, count(*) AS n FROM pledge_moves GROUP BY to_campaign_id) mi
           ON mi.to_campaign_id = c.id
   WHERE $1::uuid IS NULL OR c.id = $1::uuid
   GROUP BY c.id, c.closed_at`;

export interface PledgeChangesRow {
  campaignId: string;
  closedAt: Date | null;
  movedIn: number;
  moved: number;
  stopped: number;
  ended: number;
  awaiting: number;
}

function emptyRow(): CampaignCurrencyRow {
  return {
    campaignId: null,
    slug: null,
    title: null,
    goalAmount: null,
    goalCurrency: null,
    raised: null,
    currency: '',
    gross: 0,
    stripeFees: 0,
    refunds: 0,
    disputes: 0,
    disputeFees: 0,
    net: 0,
    donationCount: 0,
    distinctDonors: 0,
    newDonors: 0,
    oneOffGross: 0,
    oneOffCount: 0,
    recurringGross: 0,
    recurringCount: 0,
    activePledges: 0,
    monthlyRecurring: 0,
  };
}

@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Per campaign and original currency over the period (fees are in the currency they settled
   * in, as the ledger keeps them). Every campaign has at least its goal-currency row; entries
   * of no campaign form a row of their own when no campaign is asked for.
   */
  async pledgeChanges(campaignId?: string): Promise<PledgeChangesRow[]> {
    const rows: Raw[] = await this.dataSource.query(PLEDGE_CHANGES, [campaignId ?? null]);
    return rows.map((r) => ({
      campaignId: String(r.campaign_id),
      closedAt: (r.closed_at as Date | null) ?? null,
      movedIn: int(r.moved_in),
      moved: int(r.moved),
      stopped: int(r.stopped),
      ended: int(r.ended),
      awaiting: int(r.awaiting),
    }));
  }

  async campaignCurrencySums(
    period: ReportPeriod,
    timeZone: string,
    campaignId?: string,
  ): Promise<CampaignCurrencyRow[]> {
    // The period's instants first, so that each query below is planned for its real bounds.
    const [bounds]: PeriodBounds[] = await this.dataSource.query(
      `SELECT lo, hi, alo, greatest(date_trunc('hour', hi, 'UTC'), alo) AS ahi
         FROM (SELECT lo, hi, CASE WHEN date_trunc('hour', lo, 'UTC') = lo THEN lo
                                   ELSE date_trunc('hour', lo, 'UTC') + interval '1 hour' END AS alo
                 FROM (${BOUNDS}) p) q`,
      [period.from, period.to, timeZone],
    );
    const params = [bounds.lo, bounds.hi, bounds.alo, bounds.ahi, campaignId ?? null];
    // Three small queries at once, on two connections' worth of cores, rather than one big plan.
    const [sums, donors, campaigns]: Raw[][] = await Promise.all([
      this.dataSource.query(PERIOD_SUMS, params),
      this.dataSource.query(PERIOD_DONORS, [bounds.lo, bounds.hi, campaignId ?? null]),
      this.dataSource.query(CAMPAIGN_ROWS, [campaignId ?? null]),
    ]);
    const keyOf = (id: unknown, currency: unknown) => `${str(id) ?? ''}|${str(currency)}`;
    const rows = new Map<string, CampaignCurrencyRow>();
    const rowFor = (id: unknown, currency: unknown): CampaignCurrencyRow => {
      const key = keyOf(id, currency);
      let row = rows.get(key);
      if (!row) {
        row = { ...emptyRow(), campaignId: str(id), currency: str(currency)! };
        rows.set(key, row);
      }
      return row;
    };
    const campaignFields = (c: Raw) => ({
      slug: str(c.slug),
      title: String(c.title),
      goalAmount: intOrNull(c.goal_amount),
      goalCurrency: str(c.goal_currency),
      raised: int(c.raised),
    });
    for (const c of campaigns) {
      Object.assign(rowFor(c.campaign_id, c.currency), {
        ...campaignFields(c),
        activePledges: int(c.active_pledges),
        monthlyRecurring: int(c.monthly_recurring),
      });
    }
    for (const r of sums) {
      const id = r.campaign_key === NO_CAMPAIGN ? null : r.campaign_key;
      Object.assign(rowFor(id, r.currency), {
        gross: int(r.gross),
        stripeFees: int(r.stripe_fees),
        refunds: int(r.refunds),
        disputes: int(r.disputes),
        disputeFees: int(r.dispute_fees),
        net: int(r.net),
        donationCount: int(r.donation_count),
        oneOffGross: int(r.one_off_gross),
        oneOffCount: int(r.one_off_count),
        recurringGross: int(r.recurring_gross),
        recurringCount: int(r.recurring_count),
      });
    }
    for (const r of donors) {
      const id = r.campaign_key === NO_CAMPAIGN ? null : r.campaign_key;
      Object.assign(rowFor(id, r.currency), {
        distinctDonors: int(r.distinct_donors),
        newDonors: int(r.new_donors),
      });
    }
    // A currency row of a campaign the query did not list (no goal, no pledge in it) still
    // belongs to that campaign: name it.
    const byId = new Map(campaigns.map((c) => [str(c.campaign_id), c]));
    for (const row of rows.values()) {
      const c = row.campaignId ? byId.get(row.campaignId) : undefined;
      if (c && row.slug === null) Object.assign(row, campaignFields(c));
    }
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return [...rows.values()].sort(
      (a, b) =>
        Number(a.slug === null) - Number(b.slug === null) ||
        order(a.slug ?? '', b.slug ?? '') ||
        order(a.currency, b.currency),
    );
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

  /**
   * Per action (drafts left out) of every campaign, or of one: signatures confirmed in the
   * period and at any time, counting only those still confirmed (a withdrawn one stops
   * counting). Reads `actions` and `signatures`, tables of the actions module.
   */
  async actionSignatures(
    period: ReportPeriod,
    timeZone: string,
    campaignId?: string,
  ): Promise<ActionSignaturesRow[]> {
    const rows: Raw[] = await this.dataSource.query(
      `WITH bounds AS (${BOUNDS})
       SELECT a.campaign_id, a.slug, a.title,
              count(s.id) FILTER (WHERE s.confirmed_at >= b.lo AND s.confirmed_at < b.hi) AS in_period,
              count(s.id) AS total
         FROM actions a CROSS JOIN bounds b
         LEFT JOIN signatures s ON s.action_id = a.id AND s.status = 'confirmed'
        WHERE a.status <> 'draft' AND ($4::uuid IS NULL OR a.campaign_id = $4::uuid)
        GROUP BY a.id, a.campaign_id, a.slug, a.title
        ORDER BY a.slug`,
      [period.from, period.to, timeZone, campaignId ?? null],
    );
    return rows.map((r) => ({
      campaignId: String(r.campaign_id),
      slug: String(r.slug),
      title: String(r.title),
      signatures: int(r.in_period),
      totalSignatures: int(r.total),
    }));
  }

  /**
   * One campaign's signatures confirmed per bucket and action (drafts left out): every bucket
   * of the period, zeros included, counting only signatures still confirmed.
   */
  async signatureSeries(
    campaignId: string,
    period: ReportPeriod,
    timeZone: string,
    interval: ReportInterval,
  ): Promise<SignaturePoint[]> {
    const rows: Raw[] = await this.dataSource.query(
      `WITH bounds AS (${BOUNDS}),
       buckets AS (
         SELECT generate_series(date_trunc($4, $1::date::timestamp), date_trunc($4, $2::date::timestamp),
                                ('1 ' || $4)::interval) AS start),
       acts AS (SELECT id, slug FROM actions WHERE campaign_id = $5::uuid AND status <> 'draft'),
       confirmed AS (
         SELECT s.action_id, date_trunc($4, s.confirmed_at AT TIME ZONE $3) AS start
           FROM signatures s JOIN acts ON acts.id = s.action_id
           JOIN bounds b ON s.confirmed_at >= b.lo AND s.confirmed_at < b.hi
          WHERE s.status = 'confirmed')
       SELECT to_char(bk.start, 'YYYY-MM-DD') AS start, acts.slug AS action, count(c.action_id) AS n
         FROM buckets bk LEFT JOIN acts ON true
         LEFT JOIN confirmed c ON c.start = bk.start AND c.action_id = acts.id
        GROUP BY bk.start, acts.slug
        ORDER BY bk.start, acts.slug`,
      [period.from, period.to, timeZone, interval, campaignId],
    );
    return rows.map((r) => ({
      start: String(r.start),
      action: str(r.action),
      signatures: int(r.n),
    }));
  }

  /**
   * A page of entries in (occurred at, id) order, ascending or descending, after `cursor` (in
   * that order: before it, for descending).
   */
  async entriesPage(
    filters: EntryFilters,
    limit: number,
    order: ReportOrder,
    after?: EntryCursor,
  ): Promise<EntryRow[]> {
    const sql = order === 'desc' ? ENTRIES_SQL_DESC : ENTRIES_SQL;
    const rows: Raw[] = await this.dataSource.query(`${sql} LIMIT $9`, [
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

/**
 * Entries of the period matching the filters, in (occurred at, id) order, ascending or
 * descending, after the cursor ($7, $8) in that order. Parameters: see entriesParams.
 */
function entriesSql(order: ReportOrder): string {
  const [beyond, direction] = order === 'desc' ? ['<', 'DESC'] : ['>', 'ASC'];
  return `WITH bounds AS (${BOUNDS})
    SELECT e.id, e.occurred_at, e.occurred_at::text AS cursor_at, e.kind, e.amount, e.currency,
           e.settled_amount, e.settled_currency, e.donation_id, d.kind AS donation_kind,
           d.status AS donation_status, d.method AS donation_method, c.slug AS campaign,
           c.title AS campaign_title, d.donor_id, d.anonymous,
           CASE WHEN dn.erased_at IS NULL THEN d.donor_name END AS donor_name,
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
       AND ($7::timestamptz IS NULL OR (e.occurred_at, e.id) ${beyond} ($7::timestamptz, $8::bigint))
     ORDER BY e.occurred_at ${direction}, e.id ${direction}`;
}

/** Oldest first: the JSON pages' default and the CSV's only order. */
const ENTRIES_SQL = entriesSql('asc');
/** Newest first (the dashboard's recent gifts). */
const ENTRIES_SQL_DESC = entriesSql('desc');

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
    campaignTitle: str(r.campaign_title),
    donorId: str(r.donor_id),
    anonymous: r.anonymous === null || r.anonymous === undefined ? null : Boolean(r.anonymous),
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
