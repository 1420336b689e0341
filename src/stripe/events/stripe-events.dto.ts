import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { EVENT_STATUSES, StripeEventStatus } from './stripe-event.entity';

export class ListStripeEventsQuery {
  @ApiPropertyOptional({ enum: EVENT_STATUSES })
  @IsOptional()
  @IsIn(EVENT_STATUSES)
  status?: StripeEventStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ description: 'Only events received before this time (ISO 8601), to page' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  before?: Date;
}
