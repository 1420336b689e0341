import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Lowercase, LowercaseEach } from '../common/validation/transforms';
import { CampaignStatus } from './campaign.entity';
import { MAX_STRETCH_GOALS } from './campaign-goals';

export class MoneyDto {
  @ApiProperty({
    description: 'Integer in the currency’s minor unit (cents; yen for jpy)',
    example: 25000000,
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount: number;

  @ApiProperty({ example: 'usd' })
  @Lowercase()
  @Matches(/^[a-z]{3}$/, { message: 'currency must be a three-letter ISO code such as usd' })
  currency: string;
}

/** The statuses staff set directly; closing has its own route. */
const OPEN_STATUSES = ['draft', 'active'] as const;

export class CreateCampaignDto {
  @ApiProperty({ example: 'release-the-seven', description: 'Lower-case words joined by hyphens' })
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
    message: 'slug must be lower-case letters, digits and hyphens',
  })
  @Length(2, 80)
  slug: string;

  @ApiProperty() @IsString() @Length(1, 200) title: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 10_000) description?: string;

  @ApiProperty({ type: MoneyDto })
  @ValidateNested()
  @Type(() => MoneyDto)
  goal: MoneyDto;

  @ApiPropertyOptional({
    type: [Number],
    description: `Goals beyond the goal, shown one at a time once the one before is reached: up to ${MAX_STRETCH_GOALS} integers in the goal currency’s minor unit, each above goal.amount and above the one before. [] or null removes them.`,
    example: [7_500_000, 10_000_000],
    maxItems: MAX_STRETCH_GOALS,
    nullable: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_STRETCH_GOALS)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(Number.MAX_SAFE_INTEGER, { each: true })
  stretchGoals?: number[] | null;

  @ApiPropertyOptional({
    description:
      'Close the campaign once progress reaches its final goal (the last stretch goal, else the goal)',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  closeAtGoal?: boolean;

  @ApiPropertyOptional({
    enum: OPEN_STATUSES,
    default: 'draft',
    description:
      'A campaign is closed with POST /v1/admin/campaigns/{slug}/close, which tells its pledge donors',
  })
  @IsOptional()
  @IsIn(OPEN_STATUSES, {
    message:
      'status must be draft or active (close a campaign with POST /v1/admin/campaigns/{slug}/close)',
  })
  status?: Exclude<CampaignStatus, 'closed'>;

  @ApiPropertyOptional({
    type: [String],
    description: 'Accepted currencies; the goal’s by default',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @LowercaseEach()
  @Matches(/^[a-z]{3}$/, {
    each: true,
    message: 'each of currencies must be a three-letter ISO code',
  })
  currencies?: string[];

  @ApiPropertyOptional({ description: 'Smallest gift, in the goal currency’s minor unit' })
  @IsOptional()
  @IsInt()
  @Min(1)
  minAmount?: number;

  @ApiPropertyOptional({ description: 'Largest gift, in the goal currency’s minor unit' })
  @IsOptional()
  @IsInt()
  @Min(1)
  maxAmount?: number;

  @ApiPropertyOptional({
    description:
      'Smallest and largest gift per accepted currency, in its minor unit; the goal currency’s entry is minAmount/maxAmount. A campaign that limits gifts must limit every currency it accepts.',
    example: { eur: { min: 500, max: 100000 } },
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { min: { type: 'integer' }, max: { type: 'integer' } },
    },
  })
  @IsOptional()
  @IsObject({ message: 'limits must be an object such as { "eur": { "min": 500 } }' })
  limits?: Record<string, { min?: number; max?: number }>;

  @ApiPropertyOptional({
    description:
      'The amounts a donation form offers as buttons, per accepted currency: 1 to 6 positive integers in its minor unit, each within the campaign’s gift limits. null clears them (forms use defaults).',
    example: { eur: [2500, 5000, 10000] },
    type: 'object',
    nullable: true,
    additionalProperties: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 6 },
  })
  @IsOptional()
  suggestedAmounts?: Record<string, number[]> | null;

  @ApiPropertyOptional({ description: 'Hide gift amounts in public supporter lists' })
  @IsOptional()
  @IsBoolean()
  hideAmounts?: boolean;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  startsAt?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  endsAt?: Date;
}

/** Everything but the slug (it is in the campaign's public URLs) can change. */
export class UpdateCampaignDto extends PartialType(
  OmitType(CreateCampaignDto, ['slug'] as const),
) {}

export class SupportersQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  supportersLimit = 10;

  @ApiPropertyOptional({
    description:
      'Opaque cursor from `recentSupporters.nextCursor` (sealed: a changed one is a 400)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  supportersCursor?: string;
}
