import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Lowercase, Trim } from '../common/validation/transforms';
import { AddressDto } from './create-donation.dto';
import { OFFLINE_METHODS } from './donation.entity';

export class OfflineDonorDto {
  @ApiProperty()
  @Trim()
  @IsEmail({}, { message: 'donor.email must be a valid email address' })
  @MaxLength(254)
  email: string;
  @ApiPropertyOptional() @IsOptional() @Trim() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}

/** A cheque, bank transfer or cash gift, recorded by staff. */
export class CreateOfflineDonationDto {
  @ApiProperty({ description: 'Campaign slug' }) @IsString() @Length(1, 80) campaign: string;

  @ApiProperty({ description: 'Integer in the currency’s minor unit' })
  @IsInt({ message: 'amount must be an integer in the currency’s minor unit' })
  @Min(1, { message: 'amount must be positive' })
  amount: number;

  @ApiProperty({ example: 'usd' })
  @Lowercase()
  @Matches(/^[a-z]{3}$/, { message: 'currency must be a three-letter ISO code such as usd' })
  currency: string;

  @ApiProperty({ enum: OFFLINE_METHODS })
  @IsIn(OFFLINE_METHODS, { message: 'method must be cheque, bank_transfer or cash' })
  method: (typeof OFFLINE_METHODS)[number];

  @ApiProperty({ example: '2026-11-20', description: 'The day the money was received' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'receivedOn must be a date such as 2026-11-20' })
  receivedOn: string;

  @ApiProperty({ type: OfflineDonorDto })
  @ValidateNested()
  @Type(() => OfflineDonorDto)
  donor: OfflineDonorDto;

  @ApiProperty({ description: 'Cheque number or transfer reference' })
  @Trim()
  @IsString()
  @Length(1, 200)
  reference: string;
}

export class RefundDonationDto {
  @ApiPropertyOptional({ description: 'Minor units; omitted: everything that remains' })
  @IsOptional()
  @IsInt({ message: 'amount must be an integer in the currency’s minor unit' })
  @Min(1, { message: 'amount must be positive' })
  amount?: number;

  @ApiProperty({ description: 'Why, for the books' })
  @Trim()
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class VoidOfflineDonationDto {
  @ApiProperty({ description: 'Why, for the books' })
  @Trim()
  @IsString()
  @Length(1, 500)
  reason: string;
}

/** A refund made (or found already made, for a retried request) at Stripe. */
export class StaffRefundView {
  @ApiProperty({ format: 'uuid', description: 'The refund request' }) id: string;
  @ApiProperty({ format: 'uuid' }) donationId: string;
  @ApiProperty({ example: 're_1Q2w3E4r5T6y7U8i' }) stripeRefundId: string;
  @ApiProperty({ description: 'Minor units', example: 2500 }) amount: number;
  @ApiProperty({ example: 'eur' }) currency: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Stripe’s refund status: succeeded, pending…',
    example: 'succeeded',
  })
  status: string | null;

  @ApiProperty({ example: 'Donor asked: duplicate gift' }) reason: string;
}
