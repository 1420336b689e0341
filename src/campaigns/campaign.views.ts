import { Campaign } from './campaign.entity';
import { Progress } from '../ledger/ledger.service';
import { Supporter, SupporterCursor } from './campaigns.repository';
import { openCursor, sealCursor } from '../common/cursor/opaque-cursor';
import { isUuid } from '../common/validation/is-uuid';

export interface SupporterView {
  /**
   * The name the donor asked to show with this gift, or "Anonymous": the name of an anonymous
   * gift is never returned.
   */
  displayName: string;
  /** True when the gift is shown as "Anonymous". */
  anonymous: boolean;
  message: string | null;
  /** Absent when the campaign hides amounts. */
  amount?: number;
  currency?: string;
  /** The day of the gift (YYYY-MM-DD, in the organisation's time zone): never the time. */
  at: string;
}

export interface CampaignView {
  slug: string;
  title: string;
  description: string;
  status: Campaign['status'];
  goal: { amount: number; currency: string };
  currencies: string[];
  minAmount: number | null;
  maxAmount: number | null;
  /** Per accepted currency that has limits, the goal currency's included. */
  limits: Record<string, { min: number | null; max: number | null }>;
  /** The amounts donation forms offer, per currency that has them ({} : the forms' defaults). */
  suggestedAmounts: Record<string, number[]>;
  hideAmounts: boolean;
  startsAt: string | null;
  endsAt: string | null;
  progress: {
    raised: number;
    currency: string;
    /** Of the goal, to one decimal, floored: 100 only once the goal is reached. */
    percent: number;
    donationCount: number;
    donorCount: number;
  };
  recentSupporters?: { data: SupporterView[]; nextCursor: string | null };
}

const EMPTY: Progress = { raised: 0, fees: 0, donationCount: 0, donorCount: 0 };

export function percentOfGoal(raised: number, goal: number): number {
  return Math.floor((Math.max(raised, 0) * 1000) / goal) / 10;
}

export function campaignView(c: Campaign, progress: Progress = EMPTY): CampaignView {
  return {
    slug: c.slug,
    title: c.title,
    description: c.description,
    status: c.status,
    goal: { amount: c.goalAmount, currency: c.goalCurrency },
    currencies: c.currencies,
    minAmount: c.minAmount,
    maxAmount: c.maxAmount,
    limits: limitsView(c),
    suggestedAmounts: suggestedView(c),
    hideAmounts: c.hideAmounts,
    startsAt: c.startsAt?.toISOString() ?? null,
    endsAt: c.endsAt?.toISOString() ?? null,
    progress: {
      raised: progress.raised,
      currency: c.goalCurrency,
      percent: percentOfGoal(progress.raised, c.goalAmount),
      donationCount: progress.donationCount,
      donorCount: progress.donorCount,
    },
  };
}

export function supporterView(
  s: Supporter,
  hideAmounts: boolean,
  day: (at: Date) => string,
): SupporterView {
  const name = s.displayName?.trim();
  return {
    displayName: name || 'Anonymous',
    anonymous: !name,
    message: s.message,
    ...(hideAmounts ? {} : { amount: s.amount, currency: s.currency }),
    at: day(s.at),
  };
}

/** The next page's cursor, sealed: it shows neither the gift's id nor its time. */
export function encodeCursor(key: Buffer, s: Supporter): string {
  return sealCursor(key, `${s.at.toISOString()}|${s.createdAt.toISOString()}|${s.donationId}`);
}

/** The position a cursor holds; null for one this API did not seal, or that was changed. */
export function decodeCursor(key: Buffer, cursor: string): SupporterCursor | null {
  const position = openCursor(key, cursor);
  if (!position) return null;
  const [at, createdAt, id] = position.split('|');
  const dates = [new Date(at), new Date(createdAt)];
  if (!id || dates.some((d) => Number.isNaN(d.getTime())) || !isUuid(id)) return null;
  return { at: dates[0], createdAt: dates[1], id };
}

function limitsView(c: Campaign): CampaignView['limits'] {
  const view: CampaignView['limits'] = {};
  if (c.minAmount !== null || c.maxAmount !== null)
    view[c.goalCurrency] = { min: c.minAmount, max: c.maxAmount };
  for (const [currency, limit] of Object.entries(c.limits ?? {}))
    view[currency] = { min: limit.min ?? null, max: limit.max ?? null };
  return view;
}

/** Only currencies the campaign still accepts. */
function suggestedView(c: Campaign): CampaignView['suggestedAmounts'] {
  return Object.fromEntries(
    Object.entries(c.suggestedAmounts ?? {}).filter(([currency]) =>
      c.currencies.includes(currency),
    ),
  );
}
