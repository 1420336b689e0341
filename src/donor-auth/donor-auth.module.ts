import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { DonorDonationsController } from './donor-donations.controller';
import { DonorDonationsService } from './donor-donations.service';
import { DonorGuard } from './donor.guard';
import { DonorSessionsController } from './donor-sessions.controller';
import { DonorSessionsRepository } from './donor-sessions.repository';
import { DonorSessionsService } from './donor-sessions.service';
import { SignInRateLimitService } from './sign-in-rate-limit.service';

/**
 * Donor self-service sign-in by email link, and what a signed-in donor may see. Other modules
 * import this one to protect their donor routes with `@DonorOnly()` and `@CurrentDonor()`.
 */
@Module({
  imports: [MailModule],
  controllers: [DonorSessionsController, DonorDonationsController],
  providers: [
    DonorSessionsRepository,
    DonorSessionsService,
    DonorDonationsService,
    SignInRateLimitService,
    DonorGuard,
  ],
  exports: [DonorSessionsService, DonorGuard],
})
export class DonorAuthModule {}
