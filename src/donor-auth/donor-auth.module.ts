import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../mail/mail.module';
import { DonorsModule } from '../donors/donors.module';
import { DonorDonationsService } from './donor-donations.service';
import { DonorEmailChange } from './donor-email-change.entity';
import { DonorEmailChangesRepository } from './donor-email-changes.repository';
import { DonorEmailChangesService } from './donor-email-changes.service';
import { DonorGuard } from './donor.guard';
import { DonorSession } from './donor-session.entity';
import { DonorSessionsRepository } from './donor-sessions.repository';
import { DonorSessionsService } from './donor-sessions.service';
import { DonorSignInToken } from './donor-sign-in-token.entity';
import { SignInRateLimitService } from './sign-in-rate-limit.service';

/**
 * Donor self-service sign-in by email link, a signed-in donor's change of email (confirmed by a
 * link to the new address), and what a signed-in donor may see. Other modules
 * import this one to protect their donor routes with `@DonorOnly()` and `@CurrentDonor()`.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([DonorSession, DonorSignInToken, DonorEmailChange]),
    MailModule,
    DonorsModule,
  ],
  providers: [
    DonorSessionsRepository,
    DonorEmailChangesRepository,
    DonorEmailChangesService,
    DonorSessionsService,
    DonorDonationsService,
    SignInRateLimitService,
    DonorGuard,
  ],
  exports: [DonorSessionsService, DonorDonationsService, DonorEmailChangesService, DonorGuard],
})
export class DonorAuthModule {}
