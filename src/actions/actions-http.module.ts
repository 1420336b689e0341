import { Module } from '@nestjs/common';
import { DonorAuthModule } from '../donor-auth/donor-auth.module';
import { ActionsController } from './actions.controller';
import { ActionsModule } from './actions.module';
import { AdminActionsController } from './admin-actions.controller';
import { DonorSignaturesController } from './donor-signatures.controller';
import { SignaturesController } from './signatures.controller';

/** Actions over HTTP: staff make them, the public reads and signs, donors withdraw. */
@Module({
  imports: [ActionsModule, DonorAuthModule],
  controllers: [
    AdminActionsController,
    ActionsController,
    SignaturesController,
    DonorSignaturesController,
  ],
})
export class ActionsHttpModule {}
