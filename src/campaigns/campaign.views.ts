import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Campaign } from './campaign.entity';
import { Progress } from '../ledger/ledger.service';
import { CampaignAction, Supporter, SupporterCursor } from './campaigns.repository';
import { openCursor, sealCursor } from '../common/cursor/opaque-cursor';
import { isUuid } from '../common/validation/is-uuid';
import { goalsReached, nextGoal } from './campaign-goals';

export class SupporterView {
  @ApiProperty({
    description:
      'The name the donor asked to show with this gift, or "Anonymous": the name of an anonymous gift is never returned',
    example: 'Maryam',
  })
  displayName: string;

  @ApiProperty({ description: 'True when the gift is shown as "Anonymous"', example: false })
  anonymous: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'Free them all!' })
  message: string | null;

  @ApiPropertyOptional({ description: 'Absent when the campaign hides amounts', example: 2500 })
  amount?: number;

  @ApiPropertyOptional({ example: 'eur' })
  currency?: string;

  @ApiProperty({
    description: 'The day of the gift (YYYY-MM-DD, organisation’s time zone): never the time',
    example: '2026-11-30',
  })
  at: string;
}

export class MoneyView {
  @ApiProperty({ description: 'Minor units', example: 5000000 }) amount: number;
  @ApiProperty({ example: 'eur' }) currency: string;
}

export class GiftLimitView {
  @ApiProperty({ type: Number, nullable: true, example: 500 }) min: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 100000 }) max: number | null;
}

export class ProgressView {
  @ApiProperty({
    description: 'Given, net of refunds and disputes, in the goal currency (minor units)',
    example: 1234500,
  })
  raised: number;

  @ApiProperty({ example: 'eur' }) currency: string;

  @ApiProperty({
    description: 'Of the goal, to one decimal, floored: 100 only once the goal is reached',
    example: 24.6,
  })
  percent: number;

  @ApiProperty({ example: 412 }) donationCount: number;
  @ApiProperty({ example: 388 }) donorCount: number;
}

export class NextGoalView {
  @ApiProperty({
    description:
      'The first goal progress has not reached (the goal, then each stretch goal); once every goal is reached, the last. Minor units of the goal currency.',
    example: 7500000,
  })
  amount: number;

  @ApiProperty({ example: 'eur' }) currency: string;

  @ApiProperty({
    description: 'Progress toward this goal, to one decimal, floored: 100 only once it is reached',
    example: 82.3,
  })
  percent: number;
}

export class SupportersPageView {
  @ApiProperty({ type: [SupporterView] }) data: SupporterView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `supportersCursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}

/** An active action of the campaign: what to sign, and how many have. */
export class CampaignActionView {
  @ApiProperty({ example: 'write-to-the-un' }) slug: string;
  @ApiProperty({ example: 'Ask the UN to act' }) title: string;
  @ApiProperty({ example: 1000, description: 'Signatures aimed for' }) goal: number;
  @ApiProperty({ example: 412, description: 'Confirmed signatures' }) signatures: number;
}

@ApiExtraModels(GiftLimitView)
export class CampaignView {
  @ApiProperty({ example: 'free-the-seven' }) slug: string;
  @ApiProperty({ example: 'Free the seven hostages' }) title: string;
  @ApiProperty({ example: 'Seven residents of Camp Ashraf were abducted…' }) description: string;

  @ApiProperty({ enum: ['draft', 'active', 'closed'], example: 'active' })
  status: Campaign['status'];

  @ApiProperty({ type: MoneyView }) goal: { amount: number; currency: string };

  @ApiProperty({
    type: [Number],
    description:
      'Goals beyond the goal, in increasing order, in the goal currency (minor units); [] when none',
    example: [7500000, 10000000],
  })
  stretchGoals: number[];

  @ApiProperty({
    type: NextGoalView,
    description:
      'The goal to show next: `goal` until it is reached, then each stretch goal in turn',
  })
  nextGoal: NextGoalView;

  @ApiProperty({
    description:
      'How many goals progress has reached, the goal and stretch goals together: 0 until the goal is reached',
    example: 1,
  })
  goalsReached: number;

  @ApiProperty({
    description: 'The campaign closes once progress reaches its final goal',
    example: false,
  })
  closeAtGoal: boolean;

  @ApiProperty({ type: [String], example: ['eur', 'usd'] }) currencies: string[];

  @ApiProperty({ type: Number, nullable: true, description: 'Goal currency, minor units' })
  minAmount: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Goal currency, minor units' })
  maxAmount: number | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/GiftLimitView' },
    description: 'Per accepted currency that has limits, the goal currency’s included',
    example: { eur: { min: 500, max: 100000 } },
  })
  limits: Record<string, { min: number | null; max: number | null }>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'integer' } },
    description:
      'The amounts a donation form offers as buttons, per accepted currency that has them (minor units); {} when none are set (forms use their defaults)',
    example: { eur: [2500, 5000, 10000] },
  })
  suggestedAmounts: Record<string, number[]>;

  @ApiProperty({ description: 'Supporters are listed without amounts' }) hideAmounts: boolean;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startsAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) endsAt: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When it was closed (by staff, its endsAt, or reaching its goal)',
  })
  closedAt: string | null;

  @ApiProperty({ type: ProgressView }) progress: ProgressView;

  @ApiProperty({
    type: [CampaignActionView],
    description: 'The campaign’s active actions (letters to sign), oldest first',
  })
  actions: CampaignActionView[];

  @ApiPropertyOptional({
    type: SupportersPageView,
    description: 'On `GET /v1/campaigns/{slug}` only',
  })
  recentSupporters?: { data: SupporterView[]; nextCursor: string | null };
}

const EMPTY: Progress = { raised: 0, fees: 0, donationCount: 0, donorCount: 0 };

export function percentOfGoal(raised: number, goal: number): number {
  return Math.floor((Math.max(raised, 0) * 1000) / goal) / 10;
}

export function campaignView(
  c: Campaign,
  progress: Progress = EMPTY,
  actions: CampaignAction[] = [],
): CampaignView {
  return {
    slug: c.slug,
    title: c.title,
    description: c.description,
    status: c.status,
    goal: { amount: c.goalAmount, currency: c.goalCurrency },
    stretchGoals: c.stretchGoals,
    nextGoal: {
      amount: nextGoal(c, progress.raised),
      currency: c.goalCurrency,
      percent: percentOfGoal(progress.raised, nextGoal(c, progress.raised)),
    },
    goalsReached: goalsReached(c, progress.raised),
    closeAtGoal: c.closeAtGoal,
    currencies: c.currencies,
    minAmount: c.minAmount,
    maxAmount: c.maxAmount,
    limits: limitsView(c),
    suggestedAmounts: suggestedView(c),
    hideAmounts: c.hideAmounts,
    startsAt: c.startsAt?.toISOString() ?? null,
    endsAt: c.endsAt?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
    progress: {
      raised: progress.raised,
      currency: c.goalCurrency,
      percent: percentOfGoal(progress.raised, c.goalAmount),
      donationCount: progress.donationCount,
      donorCount: progress.donorCount,
    },
    actions: actions.map((a) => ({
      slug: a.slug,
      title: a.title,
      goal: a.goal,
      signatures: a.signatures,
    })),
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
