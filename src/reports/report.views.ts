import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MoneyView } from '../campaigns/campaign.views';
import { percentOfGoal } from '../campaigns/campaign.views';
import {
  ActionSignaturesRow,
  CampaignCurrencyRow,
  EntryRow,
  PledgeChangesRow,
  SeriesPoint,
  SignaturePoint,
} from './reports.repository';

class GrossCountView {
  @ApiProperty({ example: 125000 }) gross: number;
  @ApiProperty({ example: 42 }) count: number;
}

/** One action's confirmed signatures (withdrawn ones no longer count). */
export class ActionSignaturesView {
  @ApiProperty({ description: 'Action slug', example: 'write-to-the-un' }) action: string;
  @ApiProperty({ example: 'Write to the UN' }) title: string;
  @ApiProperty({ description: 'Confirmed in the period', example: 12 }) signatures: number;
  @ApiProperty({ description: 'Confirmed at any time', example: 340 }) totalSignatures: number;
}

/** How the pledges running when the campaign closed went (all time, not the period's). */
export class PledgeClosingCountsView {
  @ApiProperty({ format: 'date-time' }) closedAt: string;
  @ApiProperty({ description: 'Moved to another campaign by their donor or staff', example: 12 })
  moved: number;
  @ApiProperty({ description: 'Stopped by their donor or staff', example: 3 }) stopped: number;
  @ApiProperty({ description: 'Ended at the end of their paid period, no choice made', example: 5 })
  ended: number;
  @ApiProperty({ description: 'No choice yet: running until their paid period ends', example: 2 })
  awaiting: number;
}

/** Amounts are integers in the minor unit of `currency`; losses are positive numbers. */
export class CampaignReportRow {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Slug; null for payments no campaign claims (unattributed)',
    example: 'free-the-seven',
  })
  campaign: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Free the seven hostages' })
  title: string | null;

  @ApiProperty({ example: 'eur' }) currency: string;

  @ApiProperty({ type: MoneyView, nullable: true }) goal: {
    amount: number;
    currency: string;
  } | null;

  @ApiProperty({ description: 'Sum of charges', example: 250000 }) gross: number;

  @ApiProperty({ description: 'Stripe’s processing fees (net of fees returned with refunds)' })
  stripeFees: number;

  @ApiProperty({ description: 'Refunded, net of refunds that failed' }) refunds: number;
  @ApiProperty({ description: 'Withdrawn by disputes, net of disputes won' }) disputes: number;
  @ApiProperty({ description: 'Dispute fees, net of fees returned' }) disputeFees: number;

  @ApiProperty({ description: 'gross − stripeFees − refunds − disputes − disputeFees' })
  net: number;

  @ApiProperty() donationCount: number;
  @ApiProperty() distinctDonors: number;

  @ApiProperty({
    description: 'Donors of this row whose first ever gift (any campaign) falls in the period',
  })
  newDonors: number;

  @ApiProperty({ type: GrossCountView, description: 'One-off and offline gifts' })
  oneOff: { gross: number; count: number };

  @ApiProperty({ type: GrossCountView, description: 'Pledge installments' })
  recurring: { gross: number; count: number };

  @ApiProperty({ description: 'Active pledges now' }) activePledges: number;

  @ApiProperty({
    description:
      'What active pledges bring a month, each floored: a weekly one amount × 52 / 12, a quarterly one amount / 3, a yearly one amount / 12',
  })
  monthlyRecurring: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'All-time progress in the goal currency over the goal, one decimal, floored',
    example: 24.6,
  })
  percentOfGoal: number | null;

  @ApiProperty({
    description:
      'Signatures of the campaign’s actions confirmed in the period (withdrawn ones no longer count; the same on each currency row of a campaign)',
    example: 12,
  })
  signatures: number;

  @ApiProperty({
    type: [ActionSignaturesView],
    description: 'Per action of the campaign (drafts left out); empty for unattributed payments',
  })
  actions: ActionSignaturesView[];

  @ApiProperty({
    type: PledgeClosingCountsView,
    nullable: true,
    description:
      'Once the campaign is closed: what its running pledges did (the same on each currency row of a campaign); null while open',
  })
  pledgeClosing: PledgeClosingCountsView | null;

  @ApiProperty({
    description: 'Pledges moved to this campaign from another, all time',
    example: 7,
  })
  pledgesMovedIn: number;
}

class PeriodView {
  @ApiProperty({ description: 'First day, YYYY-MM-DD', example: '2026-11-01' }) from: string;
  @ApiProperty({ description: 'Last day, YYYY-MM-DD', example: '2026-11-30' }) to: string;
  @ApiProperty({ example: 'Europe/Paris' }) timeZone: string;
}

export class CampaignReportView extends PeriodView {
  @ApiProperty({ type: [CampaignReportRow] }) data: CampaignReportRow[];
}

class BucketTotalView {
  @ApiProperty({ example: 'eur' }) currency: string;
  @ApiProperty({ example: 125000 }) gross: number;
  @ApiProperty({ example: 120000 }) net: number;
  @ApiProperty({ example: 42 }) donationCount: number;
}

class BucketSignaturesView {
  @ApiProperty({ description: 'Action slug', example: 'write-to-the-un' }) action: string;
  @ApiProperty({ description: 'Signatures confirmed in the bucket', example: 7 })
  signatures: number;
}

class BucketView {
  @ApiProperty({
    description: 'First day of the bucket (a week starts on Monday), organisation’s time zone',
    example: '2026-11-02',
  })
  start: string;

  @ApiProperty({
    type: [BucketTotalView],
    description: 'Money per currency (`metric=money`); empty for `metric=signatures`',
  })
  totals: BucketTotalView[];

  @ApiPropertyOptional({
    type: [BucketSignaturesView],
    description: 'With `metric=signatures` only: per action of the campaign (drafts left out)',
  })
  signatures?: BucketSignaturesView[];
}

export class TimeseriesView extends PeriodView {
  @ApiProperty({ example: 'free-the-seven' }) campaign: string;
  @ApiProperty({ enum: ['day', 'week', 'month'], example: 'week' }) interval: string;
  @ApiProperty({ enum: ['money', 'signatures'], example: 'money' }) metric: string;
  @ApiProperty({ type: [BucketView] }) buckets: BucketView[];
}

/** A ledger entry with its donation, donor and Stripe ids (finance's view). */
export class EntryView implements Omit<EntryRow, 'cursor'> {
  @ApiProperty({ example: '1042' }) entryId: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;

  @ApiProperty({
    description: 'charge, fee, refund, refund_reversal, dispute, dispute_fee, offline, void…',
    example: 'charge',
  })
  kind: string;

  @ApiProperty({ description: 'Signed, minor units of `currency`', example: 2500 }) amount: number;
  @ApiProperty({ example: 'eur' }) currency: string;
  @ApiProperty() settledAmount: number;
  @ApiProperty() settledCurrency: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) donationId: string | null;
  @ApiProperty({ type: String, nullable: true }) donationKind: string | null;
  @ApiProperty({ type: String, nullable: true }) donationStatus: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: '`card` (Stripe), `cheque`, `bank_transfer` or `cash`',
  })
  donationMethod: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Slug' }) campaign: string | null;
  @ApiProperty({ type: String, nullable: true }) campaignTitle: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) donorId: string | null;

  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'The donor asked not to be named publicly (null: no gift, e.g. a fee)',
  })
  anonymous: boolean | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The gift’s receipt name; null once the donor is erased',
  })
  donorName: string | null;

  @ApiProperty({ type: String, nullable: true }) donorEmail: string | null;
  @ApiProperty({ type: String, nullable: true }) stripePaymentIntentId: string | null;
  @ApiProperty({ type: String, nullable: true }) stripeChargeId: string | null;
  @ApiProperty({ type: String, nullable: true }) stripeInvoiceId: string | null;
  @ApiProperty({ type: String, nullable: true }) stripeBalanceTransactionId: string | null;
  @ApiProperty({ type: String, nullable: true }) stripeRefundId: string | null;
  @ApiProperty({ type: String, nullable: true }) stripeDisputeId: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Null until payouts are linked' })
  stripePayoutId: string | null;
}

export class EntriesPageView extends PeriodView {
  @ApiProperty({ type: [EntryView] }) data: EntryView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}

export function signatureBuckets(points: SignaturePoint[]): TimeseriesView['buckets'] {
  const buckets: TimeseriesView['buckets'] = [];
  for (const p of points) {
    let bucket = buckets[buckets.length - 1];
    if (!bucket || bucket.start !== p.start) {
      bucket = { start: p.start, totals: [], signatures: [] };
      buckets.push(bucket);
    }
    if (p.action !== null) bucket.signatures!.push({ action: p.action, signatures: p.signatures });
  }
  return buckets;
}

export function campaignReportRow(
  r: CampaignCurrencyRow,
  actions: ActionSignaturesRow[] = [],
  changes: PledgeChangesRow[] = [],
): CampaignReportRow {
  const own = actions.filter((a) => a.campaignId === r.campaignId);
  const changed = changes.find((c) => c.campaignId === r.campaignId);
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
    signatures: own.reduce((sum, a) => sum + a.signatures, 0),
    actions: own.map((a) => ({
      action: a.slug,
      title: a.title,
      signatures: a.signatures,
      totalSignatures: a.totalSignatures,
    })),
    pledgeClosing: changed?.closedAt
      ? {
          closedAt: changed.closedAt.toISOString(),
          moved: changed.moved,
          stopped: changed.stopped,
          ended: changed.ended,
          awaiting: changed.awaiting,
        }
      : null,
    pledgesMovedIn: changed?.movedIn ?? 0,
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
