import { Module } from '@nestjs/common';
import { StripeEventsController } from './events/stripe-events.controller';
import { StripeEventsModule } from './stripe-events.module';

/** Staff's view of stored events, and replays. (The webhook itself is answered before Nest.) */
@Module({ imports: [StripeEventsModule], controllers: [StripeEventsController] })
export class StripeEventsHttpModule {}
