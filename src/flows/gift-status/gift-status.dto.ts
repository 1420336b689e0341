import { ApiProperty } from '@nestjs/swagger';

export const GIFT_STATUSES = ['pending', 'processing', 'succeeded', 'failed', 'refunded'] as const;
export type GiftStatus = (typeof GIFT_STATUSES)[number];

/** What a thank-you page may know about the gift it started. */
export class GiftStatusView {
  @ApiProperty({
    enum: GIFT_STATUSES,
    description:
      '`refunded` once the whole payment was given back; `failed` for a declined or canceled one',
  })
  status: GiftStatus;

  @ApiProperty({ description: 'What the card is charged, in minor units', example: 2500 })
  amount: number;

  @ApiProperty({ example: 'usd' }) currency: string;

  @ApiProperty({ description: "Whether the gift is in the campaign's progress" })
  counted: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The receipt number, once the receipt is issued and numbered',
    example: '2026-000123',
  })
  receiptNumber: string | null;
}
