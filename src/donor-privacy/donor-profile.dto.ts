import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AddressDto } from '../donations/create-donation.dto';
import { Trim } from '../common/validation/transforms';

/**
 * The name and address for receipts, validated as a gift's are. A field left out stays as it
 * is; `null` clears it.
 */
export class ReceiptIdentityDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 200,
    example: 'Jane Doe',
    description: 'The name on future receipts; null clears it',
  })
  @IsOptional()
  @Trim()
  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name?: string | null;

  @ApiPropertyOptional({
    type: AddressDto,
    nullable: true,
    description: 'The postal address on future receipts; null clears it',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;
}

/** Staff correct a donor's name and address (never their email: only its owner changes that). */
export class AdminUpdateDonorDto extends ReceiptIdentityDto {}

export class UpdateDonorProfileDto extends ReceiptIdentityDto {
  @ApiPropertyOptional({
    example: 'new.address@example.org',
    description:
      'A new email: nothing changes until the link mailed to it is followed (`pendingEmail` until then)',
  })
  @ValidateIf((o: UpdateDonorProfileDto) => o.email !== undefined)
  @Trim()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string;
}

/** What the signed-in donor sees of their own details. */
export class DonorProfileView {
  @ApiProperty({ example: 'jane@example.org', description: 'Receipts and sign-in links go here' })
  email: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Jane Doe',
    description:
      'For future receipts of pledges (each gift keeps the name it was given with); null: none set',
  })
  name: string | null;

  @ApiProperty({ type: AddressDto, nullable: true, description: 'For future receipts; null: none' })
  address: AddressDto | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'new.address@example.org',
    description: 'An email change waiting for its link to be followed; null when none',
  })
  pendingEmail: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When the pending change’s link stops working',
  })
  pendingEmailExpiresAt: string | null;
}

/** A donor as staff see them to correct their details. */
export class AdminDonorView {
  @ApiProperty() id: string;

  @ApiProperty({ type: String, nullable: true, description: 'Null once erased' })
  email: string | null;

  @ApiProperty({ type: String, nullable: true }) name: string | null;

  @ApiProperty({ type: AddressDto, nullable: true }) address: AddressDto | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) erasedAt: string | null;
}
