import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Matches } from 'class-validator';
import { Lowercase } from '../common/validation/transforms';

/** `GET /v1/campaigns/:slug/quote`: what a gift will charge, before anything is created. */
export class QuoteQuery {
  @ApiProperty({
    description: 'The gift, an integer in the currency’s minor unit (as a donation’s `amount`)',
    example: 2500,
  })
  @Type(() => Number)
  @IsInt({ message: 'amount must be an integer in the currency’s minor unit' })
  amount: number;

  @ApiProperty({ example: 'usd' })
  @Lowercase()
  @Matches(/^[a-z]{3}$/, { message: 'currency must be a three-letter ISO code such as usd' })
  currency: string;

  @ApiPropertyOptional({
    description: 'Whether the donor covers the processing fees (as a donation’s `coverFees`)',
    default: false,
  })
  @IsOptional()
  // A query string carries text: only "true" and "false" are booleans here.
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'coverFees must be true or false' })
  coverFees?: boolean;
}

export class QuoteView {
  @ApiProperty({ description: 'The gift, as asked', example: 2500 }) amount: number;

  @ApiProperty({ description: 'What covering the fees adds (0 without coverFees)', example: 108 })
  fee: number;

  @ApiProperty({
    description: 'What the card will be charged: the same number a donation with these fields uses',
    example: 2608,
  })
  charge: number;

  @ApiProperty({ example: 'usd' }) currency: string;
}

/** `PATCH /v1/campaigns/:slug/donations/:id`: a pending gift's amount or fee choice, changed. */
export class ChangeDonationDto {
  @ApiPropertyOptional({
    description: 'The new gift, an integer in the currency’s minor unit',
    example: 3000,
  })
  @IsOptional()
  @IsInt({ message: 'amount must be an integer in the currency’s minor unit' })
  amount?: number;

  @ApiPropertyOptional({ description: 'Whether the donor covers the processing fees' })
  @IsOptional()
  @IsBoolean({ message: 'coverFees must be true or false' })
  coverFees?: boolean;
}

/** The gift as it now stands: what the card will be charged. */
export class DonationChangedView {
  @ApiProperty() donationId: string;
  @ApiProperty() paymentIntentId: string;
  @ApiProperty({ description: 'What the card will be charged, fees included', example: 3100 })
  amount: number;
  @ApiProperty({ description: 'The gift itself, before fees', example: 3000 })
  intendedAmount: number;
  @ApiProperty() coverFees: boolean;
  @ApiProperty({ example: 'usd' }) currency: string;
  @ApiProperty({ example: 'pending' }) status: string;
}
