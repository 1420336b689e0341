import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../mail/mail.module';
import { ActionDeliveriesRepository } from './action-deliveries.repository';
import { ActionDeliveriesService } from './action-deliveries.service';
import { ActionDeliverySignature } from './action-delivery-signature.entity';
import { ActionDelivery } from './action-delivery.entity';

/** Deliveries of actions' signatures to their targets: made by the API, sent by the worker. */
@Module({
  imports: [TypeOrmModule.forFeature([ActionDelivery, ActionDeliverySignature]), MailModule],
  providers: [ActionDeliveriesRepository, ActionDeliveriesService],
  exports: [ActionDeliveriesService],
})
export class ActionDeliveriesModule {}
