import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../mail/mail.module';
import { DonorDonationsService } from './donor-donations.service';
import { DonorGuard } from './donor.guard';
import { DonorSession } from './donor-session.entity';
import { DonorSessionsRepository } from './donor-sessions.repository';
import { DonorSessionsService } from './donor-sessions.service';
import { DonorSignInToken } from './donor-sign-in-token.entity';
import { SignInRateLimitService } from './sign-in-rate-limit.service';

/**
 * Donor self-service sign-in by email link, and what a signed-in donor may see. Other modules
 * import this one to protect their donor routes with `@DonorOnly()` and `@CurrentDonor()`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([DonorSession, DonorSignInToken]), MailModule],
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
