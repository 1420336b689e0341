import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DonorsModule } from '../donors/donors.module';
import { MailModule } from '../mail/mail.module';
import { ActionDelivery } from './action-delivery.entity';
import { ActionGauges } from './action-gauges';
import { ActionLetter } from './action-letter.entity';
import { Action } from './action.entity';
import { ActionsRepository } from './actions.repository';
import { ActionsService } from './actions.service';
import { SignatureToken } from './signature-token.entity';
import { Signature } from './signature.entity';
import { SignaturesRepository } from './signatures.repository';
import { SignaturesService } from './signatures.service';

/** Campaign actions: letters to a target that supporters sign, confirmed by email. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Action, ActionLetter, Signature, SignatureToken, ActionDelivery]),
    CampaignsModule,
    DonorsModule,
    MailModule,
  ],
  providers: [
    ActionsRepository,
    SignaturesRepository,
    ActionsService,
    SignaturesService,
    ActionGauges,
  ],
  exports: [ActionsService, SignaturesService],
})
export class ActionsModule {}
