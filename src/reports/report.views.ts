import { percentOfGoal } from '../campaigns/campaign.views';
import { CampaignCurrencyRow, EntryRow, SeriesPoint } from './reports.repository';

/** Amounts are integers in the minor unit of `currency`; losses are positive numbers. */
export interface CampaignReportRow {
  /** Slug; null for payments that no campaign claims (unattributed). */
  campaign: string | null;
  title: string | null;
  currency: string;
  goal: { amount: number; currency: string } | null;
  /** Sum of charges. */
  gross: number;
  /** Stripe's processing fees (net of fees returned with refunds). */
  stripeFees: number;
  /** Refunded, net of refunds that failed. */
  refunds: number;
  /** Withdrawn by disputes, net of disputes won. */
  disputes: number;
  /** Dispute fees, net of fees returned. */
  disputeFees: number;
  /** gross − stripeFees − refunds − disputes − disputeFees. */
  net: number;
  donationCount: number;
  distinctDonors: number;
  /** Donors of this row whose first ever gift (any campaign) falls in the period. */
  newDonors: number;
  /** One-off and offline gifts. */
  oneOff: { gross: number; count: number };
  /** Pledge installments. */
  recurring: { gross: number; count: number };
  /** Active pledges now, and what they bring a month (a yearly one: amount / 12, floored). */
  activePledges: number;
  monthlyRecurring: number;
  /** All-time progress in the goal currency over the goal, one decimal, floored. */
  percentOfGoal: number | null;
}

export interface CampaignReportView {
  from: string;
  to: string;
  timeZone: string;
  data: CampaignReportRow[];
}

export interface TimeseriesView {
  campaign: string;
  interval: string;
  from: string;
  to: string;
  timeZone: string;
  buckets: {
    /** First day of the bucket (a week starts on Monday), organisation's time zone. */
    start: string;
    totals: { currency: string; gross: number; net: number; donationCount: number }[];
  }[];
}

export type EntryView = Omit<EntryRow, 'cursor'>;

export interface EntriesPageView {
  from: string;
  to: string;
  timeZone: string;
  data: EntryView[];
  nextCursor: string | null;
}

export function campaignReportRow(r: CampaignCurrencyRow): CampaignReportRow {
  const goal =
    r.goalAmount !== null && r.goalCurrency !== null
      ? { amount: r.goalAmount, currency: r.goalCurrency }
      : null;
  return {
    campaign: r.slug,
    title: r.title,
    currency: r.currency,
    goal,
    gross: r.gross,
    stripeFees: r.stripeFees,
    refunds: r.refunds,
    disputes: r.disputes,
    disputeFees: r.disputeFees,
    net: r.net,
    donationCount: r.donationCount,
    distinctDonors: r.distinctDonors,
    newDonors: r.newDonors,
    oneOff: { gross: r.oneOffGross, count: r.oneOffCount },
    recurring: { gross: r.recurringGross, count: r.recurringCount },
    activePledges: r.activePledges,
    monthlyRecurring: r.monthlyRecurring,
    percentOfGoal: goal ? percentOfGoal(r.raised ?? 0, goal.amount) : null,
  };
}

export function timeseriesBuckets(points: SeriesPoint[]): TimeseriesView['buckets'] {
  const buckets: TimeseriesView['buckets'] = [];
  for (const p of points) {
    let bucket = buckets[buckets.length - 1];
    if (!bucket || bucket.start !== p.start) {
      bucket = { start: p.start, totals: [] };
      buckets.push(bucket);
    }
    bucket.totals.push({
      currency: p.currency,
      gross: p.gross,
      net: p.net,
      donationCount: p.donationCount,
    });
  }
  return buckets;
}

export function entryView(row: EntryRow): EntryView {
  const { cursor: _cursor, ...view } = row;
  return view;
}

export function encodeEntryCursor(row: EntryRow): string {
  return Buffer.from(`${row.cursor.occurredAt}|${row.cursor.id}`).toString('base64url');
}

const PG_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

export function decodeEntryCursor(cursor: string): { occurredAt: string; id: string } | null {
  const [occurredAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !PG_TIMESTAMPTZ.test(occurredAt ?? '') || !/^\d{1,19}$/.test(id ?? ''))
    return null;
  return { occurredAt, id };
}
