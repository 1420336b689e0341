import { Module } from '@nestjs/common';
import { ActionDeliveriesModule } from './action-deliveries.module';
import { AdminActionDeliveriesController } from './admin-action-deliveries.controller';

/** Staff routes of deliveries and the signatures export. */
@Module({ imports: [ActionDeliveriesModule], controllers: [AdminActionDeliveriesController] })
export class ActionDeliveriesHttpModule {}
