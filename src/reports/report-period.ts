import { dayFormatter } from '../common/day';
import { invalidField } from '../common/errors/domain-error';

/** Inclusive calendar days, `YYYY-MM-DD`, read in the organisation's time zone. */
export interface ReportPeriod {
  from: string;
  to: string;
}

export const REPORT_INTERVALS = ['day', 'week', 'month'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

/** The longest series one request may ask for: a chart, not a data dump. */
export const MAX_BUCKETS = 1000;

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` that is a real calendar day, or null. */
export function dayNumber(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = Date.UTC(y, mo - 1, d);
  const back = new Date(at);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return null;
  }
  return at / DAY_MS;
}

/** Today's date where the organisation is. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return dayFormatter(timeZone)(now);
}

function monthOf(day: string): { first: string; last: string } {
  const [y, m] = day.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return { first: `${y}-${mm}-01`, last: `${y}-${mm}-${String(last).padStart(2, '0')}` };
}

/**
 * The period a request asks for. Neither bound: the current month where the organisation is.
 * Only `to`: from the first day of its month. Only `from`: to the end of the current month.
 * Impossible dates and `from` after `to` are refused naming the field.
 */
export function resolvePeriod(
  query: { from?: string; to?: string },
  timeZone: string,
  now: Date = new Date(),
): ReportPeriod {
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && dayNumber(value) === null) {
      throw invalidField(field, 'invalid_format', `${field} must be a calendar date YYYY-MM-DD`);
    }
  }
  const current = monthOf(todayIn(timeZone, now));
  const to = query.to ?? current.last;
  const from = query.from ?? (query.to ? monthOf(query.to).first : current.first);
  if (dayNumber(from)! > dayNumber(to)!) {
    throw invalidField('from', 'out_of_range', 'from must not be after to');
  }
  return { from, to };
}

/** How many buckets a series over the period has, at most (a refusal beyond MAX_BUCKETS). */
export function assertSeriesSize(period: ReportPeriod, interval: ReportInterval): void {
  const days = dayNumber(period.to)! - dayNumber(period.from)! + 1;
  const perBucket = { day: 1, week: 7, month: 28 }[interval];
  if (Math.ceil(days / perBucket) + 1 > MAX_BUCKETS) {
    throw invalidField(
      'interval',
      'out_of_range',
      `interval ${interval} over ${days} days makes more than ${MAX_BUCKETS} buckets: use a longer interval or a shorter period`,
    );
  }
}
