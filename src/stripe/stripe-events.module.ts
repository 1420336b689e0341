import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PaymentSyncModule } from '../donations/payment-sync.module';
import { PledgeEventsModule } from '../pledges/pledges.module';
import { PayoutsModule } from '../payouts/payouts.module';
import { EventInboxService } from './events/event-inbox.service';
import { StripeEvent } from './events/stripe-event.entity';
import { StripeEventsController } from './events/stripe-events.controller';
import { StripeEventsRepository } from './events/stripe-events.repository';
import { StripeEventsService } from './events/stripe-events.service';
import { StripeEventsProcessor } from './handlers/stripe-events.processor';

/** The API side of the pipeline: webhook in, inbox, staff endpoints. */
@Module({
  imports: [TypeOrmModule.forFeature([StripeEvent])],
  controllers: [StripeEventsController],
  providers: [EventInboxService, StripeEventsRepository, StripeEventsService],
  exports: [EventInboxService, StripeEventsRepository, StripeEventsService],
})
export class StripeEventsModule {}

/** The worker side: processing events into donations and the ledger. */
@Module({
  imports: [StripeEventsModule, PaymentSyncModule, PledgeEventsModule, PayoutsModule],
  providers: [StripeEventsProcessor],
})
export class StripeEventsWorkerModule {}
