import { Campaign } from './campaign.entity';
import { Progress, Supporter, SupporterCursor } from './campaigns.repository';
import { isUuid } from '../common/validation/is-uuid';

export interface SupporterView {
  /** The donor's name, or "Anonymous": an anonymous donor's name is never returned. */
  displayName: string;
  message: string | null;
  /** Absent when the campaign hides amounts. */
  amount?: number;
  currency?: string;
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

export function supporterView(s: Supporter, hideAmounts: boolean): SupporterView {
  return {
    displayName: s.displayName?.trim() || 'Anonymous',
    message: s.message,
    ...(hideAmounts ? {} : { amount: s.amount, currency: s.currency }),
    at: s.at.toISOString(),
  };
}

export function encodeCursor(s: Supporter): string {
  return Buffer.from(`${s.at.toISOString()}|${s.createdAt.toISOString()}|${s.donationId}`).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string): SupporterCursor | null {
  const [at, createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
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
