import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/validation/page.query';
import { EVENT_STATUSES, StripeEventStatus } from './stripe-event.entity';

export class ListStripeEventsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EVENT_STATUSES })
  @IsOptional()
  @IsIn(EVENT_STATUSES)
  status?: StripeEventStatus;
}

/** A stored Stripe event and how its processing went (no payload: it holds no personal data). */
export class StripeEventView {
  @ApiProperty({ example: 'evt_1Q2w3E4r5T6y7U8i' }) id: string;
  @ApiProperty({ example: 'payment_intent.succeeded' }) type: string;

  @ApiProperty({ type: String, nullable: true, example: 'pi_1Q2w3E4r5T6y7U8i' })
  objectId: string | null;

  @ApiProperty({ enum: EVENT_STATUSES, example: 'processed' }) status: StripeEventStatus;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) stripeCreatedAt: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) processedAt: string | null;
}

export class ReplayedEventView {
  @ApiProperty({ example: 'evt_1Q2w3E4r5T6y7U8i' }) id: string;
  @ApiProperty({ enum: ['pending'] }) status: 'pending';

  @ApiProperty({ description: 'False when Redis was down: the outbox sweep enqueues it later' })
  enqueued: boolean;
}
