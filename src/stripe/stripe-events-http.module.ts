import { Module } from '@nestjs/common';
import { AdminStripeEventsController } from './events/admin-stripe-events.controller';
import { StripeEventsModule } from './stripe-events.module';

/** Staff's view of stored events, and replays. (The webhook itself is answered before Nest.) */
@Module({ imports: [StripeEventsModule], controllers: [AdminStripeEventsController] })
export class StripeEventsHttpModule {}
