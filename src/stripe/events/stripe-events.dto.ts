import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/validation/page.query';
import { EVENT_STATUSES, StripeEventStatus } from './stripe-event.entity';

export class ListStripeEventsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EVENT_STATUSES })
  @IsOptional()
  @IsIn(EVENT_STATUSES)
  status?: StripeEventStatus;
}
