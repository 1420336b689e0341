import { Module } from '@nestjs/common';
import { DonorAuthModule } from './donor-auth.module';
import { DonorDonationsController } from './donor-donations.controller';
import { DonorEmailChangesController } from './donor-email-changes.controller';
import { DonorSessionsController } from './donor-sessions.controller';

/** A donor's sign-in, sign-out, list of gifts, and the link that confirms a new email. */
@Module({
  imports: [DonorAuthModule],
  controllers: [DonorSessionsController, DonorDonationsController, DonorEmailChangesController],
})
export class DonorAuthHttpModule {}
