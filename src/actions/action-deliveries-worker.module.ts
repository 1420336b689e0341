import { Module } from '@nestjs/common';
import { ActionDeliveriesModule } from './action-deliveries.module';
import { ActionDeliveriesProcessor } from './action-deliveries.processor';

/** The worker side of deliveries: sends them, sweeps them, checks delivery schedules. */
@Module({ imports: [ActionDeliveriesModule], providers: [ActionDeliveriesProcessor] })
export class ActionDeliveriesWorkerModule {}
