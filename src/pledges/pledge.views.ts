import { ApiProperty } from '@nestjs/swagger';
import { Pledge, PLEDGE_INTERVALS, PLEDGE_STATUSES } from './pledge.entity';

export class PledgeCampaignView {
  @ApiProperty({ example: 'free-the-seven' }) slug: string;
  @ApiProperty({ example: 'Free the seven hostages' }) title: string;
}

/** The campaign a closed campaign's donors are offered to continue their pledge to. */
export class PledgeClosingView {
  @ApiProperty({ format: 'date-time' }) closedAt: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'What staff said when closing the campaign',
    example: 'The seven are free. Thank you for standing with them.',
  })
  message: string | null;

  @ApiProperty({
    type: PledgeCampaignView,
    nullable: true,
    description:
      'The campaign to continue the same gift to (POST …/move with its slug); null when there is none, or it does not take this currency',
  })
  successor: PledgeCampaignView | null;
}

export class PledgeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: PledgeCampaignView, nullable: true }) campaign: PledgeCampaignView | null;
  @ApiProperty({ enum: PLEDGE_STATUSES, example: 'active' }) status: Pledge['status'];
  @ApiProperty({ description: 'Each payment, minor units', example: 2000 }) amount: number;
  @ApiProperty({ example: 'eur' }) currency: string;
  @ApiProperty({ enum: PLEDGE_INTERVALS, example: 'month' }) interval: Pledge['interval'];

  @ApiProperty({ type: Number, nullable: true, description: 'Null: until canceled' })
  installments: number | null;

  @ApiProperty({ example: 3 }) paidInstallments: number;
  @ApiProperty() anonymous: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) currentPeriodEnd:
    string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description:
      'When it ends by itself with no further payment (its campaign closed); null while it renews',
  })
  endsAt: string | null;

  @ApiProperty({
    type: PledgeClosingView,
    nullable: true,
    description:
      'Set while the pledge runs on a closed campaign: the donor may move it (to the successor) or cancel it; with no choice it ends at endsAt',
  })
  closing: PledgeClosingView | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) pausedUntil: string | null;
  @ApiProperty({ type: String, nullable: true }) cancelReason: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) canceledAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** A SetupIntent for the pledge's new card: confirm it with Stripe.js. */
export class PledgeCardSetupView {
  @ApiProperty({ example: 'seti_1Q2w3E4r5T6y7U8i' }) setupIntentId: string;
  @ApiProperty({ example: 'seti_1Q2w3E4r5T6y7U8i_secret_abc' }) clientSecret: string;
}

export function pledgeView(
  p: Pledge,
  campaign: { slug: string; title: string } | null,
  closing: PledgeClosingView | null = null,
): PledgeView {
  return {
    id: p.id,
    campaign,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    interval: p.interval,
    installments: p.installments,
    paidInstallments: p.paidInstallments,
    anonymous: p.anonymous,
    currentPeriodEnd: p.currentPeriodEnd?.toISOString() ?? null,
    endsAt: p.endsAt?.toISOString() ?? null,
    closing,
    pausedUntil: p.pausedUntil?.toISOString() ?? null,
    cancelReason: p.cancelReason,
    canceledAt: p.canceledAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
  };
}
