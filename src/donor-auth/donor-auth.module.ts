import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { DonorDonationsService } from './donor-donations.service';
import { DonorGuard } from './donor.guard';
import { DonorSessionsRepository } from './donor-sessions.repository';
import { DonorSessionsService } from './donor-sessions.service';
import { SignInRateLimitService } from './sign-in-rate-limit.service';

/**
 * Donor self-service sign-in by email link, and what a signed-in donor may see. Other modules
 * import this one to protect their donor routes with `@DonorOnly()` and `@CurrentDonor()`.
 */
@Module({
  imports: [MailModule],
  providers: [
    DonorSessionsRepository,
    DonorSessionsService,
    DonorDonationsService,
    SignInRateLimitService,
    DonorGuard,
  ],
  exports: [DonorSessionsService, DonorDonationsService, DonorGuard],
})
export class DonorAuthModule {}
