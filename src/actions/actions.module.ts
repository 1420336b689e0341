import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActionDelivery } from './action-delivery.entity';
import { ActionLetter } from './action-letter.entity';
import { Action } from './action.entity';
import { SignatureToken } from './signature-token.entity';
import { Signature } from './signature.entity';

/** Campaign actions: letters to a target that supporters sign, confirmed by email. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Action, ActionLetter, Signature, SignatureToken, ActionDelivery]),
  ],
})
export class ActionsModule {}
