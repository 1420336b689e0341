import { Module } from '@nestjs/common';
import { DonorAuthModule } from './donor-auth.module';
import { DonorDonationsController } from './donor-donations.controller';
import { DonorSessionsController } from './donor-sessions.controller';

/** A donor's sign-in, sign-out and list of gifts. */
@Module({
  imports: [DonorAuthModule],
  controllers: [DonorSessionsController, DonorDonationsController],
})
export class DonorAuthHttpModule {}
