import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Lowercase, Trim, Uppercase } from '../common/validation/transforms';

/** The longest public display name: a supporters list shows short names. */
export const DISPLAY_NAME_MAX = 80;

export class TributeDto {
  @ApiProperty({ enum: ['in_honor_of', 'in_memory_of'] })
  @IsIn(['in_honor_of', 'in_memory_of'])
  kind: 'in_honor_of' | 'in_memory_of';

  @ApiProperty({ maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;
}

export class AddressDto {
  @ApiProperty() @Trim() @IsString() @Length(1, 200) line1: string;
  @ApiPropertyOptional() @IsOptional() @Trim() @IsString() @MaxLength(200) line2?: string;
  @ApiProperty() @Trim() @IsString() @Length(1, 100) city: string;
  @ApiPropertyOptional() @IsOptional() @Trim() @IsString() @MaxLength(100) state?: string;
  @ApiProperty() @Trim() @IsString() @Length(1, 20) postalCode: string;

  @ApiProperty({ example: 'US', description: 'ISO 3166-1 alpha-2' })
  @Uppercase()
  @Matches(/^[A-Z]{2}$/, { message: 'address.country must be a two-letter country code' })
  country: string;
}

export class CreateDonationDto {
  @ApiProperty({
    description: 'Integer in the currency’s minor unit, as Stripe counts it (jpy: 500 is ¥500)',
    example: 2500,
  })
  @IsInt({ message: 'amount must be an integer in the currency’s minor unit' })
  amount: number;

  @ApiProperty({ example: 'usd' })
  @Lowercase()
  @Matches(/^[a-z]{3}$/, { message: 'currency must be a three-letter ISO code such as usd' })
  currency: string;

  @ApiProperty({ example: 'donor@example.org' })
  @Trim()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({
    description:
      'The name for this gift’s receipt. Shown publicly only with `anonymous: false` and no displayName',
  })
  @IsOptional()
  @Trim()
  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name?: string;

  @ApiPropertyOptional({
    description:
      'What to show publicly for this gift (e.g. "J." or "A friend"). Sending it makes the gift public under it, unless `anonymous: true`',
    maxLength: DISPLAY_NAME_MAX,
  })
  @IsOptional()
  @Trim()
  @IsString({ message: 'displayName must be a string' })
  @Length(1, DISPLAY_NAME_MAX, {
    message: `displayName must be 1 to ${DISPLAY_NAME_MAX} characters (after trimming spaces)`,
  })
  displayName?: string;

  @ApiPropertyOptional({
    description:
      'Gifts are private: `false` shows displayName (else the receipt name) publicly; `true` wins over displayName',
    default: true,
  })
  @IsOptional()
  @IsBoolean({ message: 'anonymous must be true or false' })
  anonymous?: boolean;

  @ApiPropertyOptional({
    description: 'Gross the amount up so the campaign receives `amount` after fees',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  coverFees?: boolean;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  message?: string;

  @ApiPropertyOptional({ type: TributeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TributeDto)
  tribute?: TributeDto;

  @ApiPropertyOptional({ type: AddressDto, description: 'For tax receipts' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;

  @ApiPropertyOptional({
    description:
      'The CAPTCHA widget’s token, required when GET /v1/config says `captchaRequired` (ignored otherwise)',
    maxLength: 4096,
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  captchaToken?: string;
}

export class DonationCreatedView {
  @ApiProperty() donationId: string;
  @ApiProperty() paymentIntentId: string;
  @ApiProperty({ description: 'For Stripe.js to confirm the payment' }) clientSecret: string;
  @ApiProperty({ description: 'What will be charged (grossed up when covering fees)' })
  amount: number;
  @ApiProperty() currency: string;
  @ApiProperty({ enum: ['pending', 'processing', 'succeeded', 'failed', 'canceled'] })
  status: string;
}
