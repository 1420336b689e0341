import { Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module';
import { DonationsModule } from '../donations/donations.module';
import { DonorAuthModule } from '../donor-auth/donor-auth.module';
import { DonorsModule } from '../donors/donors.module';
import { MailModule } from '../mail/mail.module';
import { PledgesModule } from '../pledges/pledges.module';
import { ReceiptsModule } from '../receipts/receipts.module';
import { StripeEventsModule } from '../stripe/stripe-events.module';
import { AdminDonorsController } from './admin-donors.controller';
import { DonorDataController } from './donor-data.controller';
import { DonorPrivacyRepository } from './donor-privacy.repository';
import { DonorPrivacyService } from './donor-privacy.service';
import { DonorProfileController } from './donor-profile.controller';
import { DonorProfileService } from './donor-profile.service';

/**
 * A donor's data rights: staff find by email, export, correct (name and address), erase; a
 * signed-in donor exports, corrects (name, address, email) and erases.
 */
@Module({
  imports: [
    DonorAuthModule,
    DonorsModule,
    DonationsModule,
    PledgesModule,
    MailModule,
    ReceiptsModule,
    StripeEventsModule,
    ActionsModule,
  ],
  controllers: [AdminDonorsController, DonorDataController, DonorProfileController],
  providers: [DonorPrivacyRepository, DonorPrivacyService, DonorProfileService],
})
export class DonorPrivacyHttpModule {}
