import { ApiProperty } from '@nestjs/swagger';
import {
  PLEDGE_INTERVALS,
  PLEDGE_STATUSES,
  PledgeInterval,
  PledgeStatus,
} from '../../pledges/pledge.entity';

/** What a thank-you page may know about the pledge it started. */
export class PledgeStatusView {
  @ApiProperty({
    enum: PLEDGE_STATUSES,
    description: '`incomplete` until the first payment succeeds, then `active` (or later states)',
  })
  status: PledgeStatus;

  @ApiProperty({ description: 'What each payment charges, in minor units', example: 2500 })
  amount: number;

  @ApiProperty({ example: 'usd' }) currency: string;

  @ApiProperty({ enum: PLEDGE_INTERVALS }) interval: PledgeInterval;

  @ApiProperty({ description: "Whether the first payment is in the campaign's progress" })
  counted: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    description: "The first payment's receipt number, once its receipt is issued and numbered",
    example: '2026-000123',
  })
  receiptNumber: string | null;
}
