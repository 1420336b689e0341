import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsService } from '../metrics/metrics.service';
import { startEventSeriesAtZero } from './event-types';
import { EventInboxService } from './events/event-inbox.service';
import { StripeEvent } from './events/stripe-event.entity';
import { StripeEventsRepository } from './events/stripe-events.repository';
import { StripeEventsService } from './events/stripe-events.service';

/**
 * The Stripe event inbox: webhooks verified and stored once (scrubbed of personal data),
 * enqueued, processed once under a lock; replays and the event-list sync.
 */
@Module({
  imports: [TypeOrmModule.forFeature([StripeEvent])],
  providers: [EventInboxService, StripeEventsRepository, StripeEventsService],
  exports: [EventInboxService, StripeEventsService],
})
export class StripeEventsModule {
  constructor(metrics: MetricsService) {
    startEventSeriesAtZero(metrics);
  }
}
