import { IsDeliveryCron } from './delivery-cron';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
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
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Trim, Uppercase } from '../common/validation/transforms';
import { ActionStatus } from './action.entity';

/** The longest public display name of a signer, as for a gift's. */
export const SIGNER_DISPLAY_NAME_MAX = 80;
/** The longest comment a signer may add. */
export const SIGNATURE_COMMENT_MAX = 500;

/** Statuses staff may create or set an action in; closing has its own route. */
const SETTABLE_STATUSES = ['draft', 'active'] as const;

export class ActionTargetDto {
  @ApiProperty({ example: 'UN Special Rapporteur on Iraq', description: 'Shown publicly' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'office@example.org', description: 'Where deliveries go; staff only' })
  @Trim()
  @IsEmail({}, { message: 'target.email must be a valid email address' })
  @MaxLength(254)
  email: string;
}

export class CreateActionDto {
  @ApiProperty({ example: 'write-to-the-un', description: 'Lower-case words joined by hyphens' })
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
    message: 'slug must be lower-case letters, digits and hyphens',
  })
  @Length(2, 80)
  slug: string;

  @ApiProperty({ example: 'Ask the UN to act' }) @IsString() @Length(1, 200) title: string;

  @ApiPropertyOptional({ example: 'Seven residents were abducted…' })
  @IsOptional()
  @IsString()
  @Length(0, 10_000)
  description?: string;

  @ApiProperty({ type: ActionTargetDto })
  @ValidateNested()
  @Type(() => ActionTargetDto)
  target: ActionTargetDto;

  @ApiProperty({ example: 'Free the seven hostages of Camp Ashraf' })
  @IsString()
  @Length(1, 300)
  letterSubject: string;

  @ApiProperty({ example: 'We, the undersigned, ask you…' })
  @IsString()
  @Length(1, 20_000)
  letterBody: string;

  @ApiProperty({ example: 1000, description: 'Signatures aimed for' })
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  goal: number;

  @ApiPropertyOptional({ enum: SETTABLE_STATUSES, default: 'draft' })
  @IsOptional()
  @IsIn(SETTABLE_STATUSES)
  status?: Exclude<ActionStatus, 'closed'>;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '0 9 * * 1',
    description: 'Cron expression for automatic deliveries; null or absent: by hand only',
  })
  @IsOptional()
  @IsString()
  @IsDeliveryCron()
  @MaxLength(100)
  deliveryCron?: string | null;
}

/** Any create field but slug; a letter edit makes a new version once the current one is signed. */
export class UpdateActionDto extends PartialType(OmitType(CreateActionDto, ['slug'] as const)) {}

/** The languages the sign form and the confirm page speak. */
export const SIGNER_LANGUAGES = ['en', 'fr', 'fa'] as const;
export type SignerLanguage = (typeof SIGNER_LANGUAGES)[number];

export class SignActionDto {
  @ApiProperty({ example: 'Maryam Rahimi', description: 'Kept with the signature; never public' })
  @Trim()
  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name: string;

  @ApiProperty({ example: 'maryam@example.org', description: 'Where the confirmation link goes' })
  @Trim()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'FR', description: 'Two-letter country code' })
  @Uppercase()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be a two-letter country code' })
  country: string;

  @ApiPropertyOptional({ maxLength: SIGNATURE_COMMENT_MAX, description: 'Never public' })
  @IsOptional()
  @Trim()
  @IsString({ message: 'comment must be a string' })
  @MaxLength(SIGNATURE_COMMENT_MAX, {
    message: `comment must be at most ${SIGNATURE_COMMENT_MAX} characters`,
  })
  comment?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Show this signer on the public list (display name, country, day)',
  })
  @IsOptional()
  @IsBoolean({ message: 'public must be true or false' })
  public?: boolean;

  @ApiPropertyOptional({
    maxLength: SIGNER_DISPLAY_NAME_MAX,
    description: 'What the public list shows (with `public: true`); the name otherwise',
  })
  @IsOptional()
  @Trim()
  @IsString({ message: 'displayName must be a string' })
  @Length(1, SIGNER_DISPLAY_NAME_MAX, {
    message: `displayName must be 1 to ${SIGNER_DISPLAY_NAME_MAX} characters (after trimming spaces)`,
  })
  displayName?: string;

  @ApiPropertyOptional({
    enum: SIGNER_LANGUAGES,
    description: 'The language of the page signed on: the confirmation page opens in it',
  })
  @IsOptional()
  @IsIn(SIGNER_LANGUAGES, { message: `lang must be one of ${SIGNER_LANGUAGES.join(', ')}` })
  lang?: SignerLanguage;

  @ApiPropertyOptional({
    description: 'The CAPTCHA’s token: required when the CAPTCHA is on (see GET /v1/config)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  captchaToken?: string;
}

export class ConfirmSignatureDto {
  @ApiProperty({ description: 'The token from the confirmation link’s fragment' })
  @IsString({ message: 'token must be a string' })
  @Length(1, 200, { message: 'token must be 1 to 200 characters' })
  token: string;
}

export class SignersQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  signersLimit = 10;

  @ApiPropertyOptional({
    description: 'Opaque cursor from `signers.nextCursor` (sealed: a changed one is a 400)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  signersCursor?: string;
}
