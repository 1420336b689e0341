import { Module } from '@nestjs/common';
import { DonationsModule } from '../donations/donations.module';
import { DonorAuthModule } from '../donor-auth/donor-auth.module';
import { DonorsModule } from '../donors/donors.module';
import { MailModule } from '../mail/mail.module';
import { PledgesModule } from '../pledges/pledges.module';
import { ReceiptsModule } from '../receipts/receipts.module';
import { StripeEventsModule } from '../stripe/stripe-events.module';
import { DonorPrivacyController } from './donor-privacy.controller';
import { DonorPrivacyRepository } from './donor-privacy.repository';
import { DonorPrivacyService } from './donor-privacy.service';
import { DonorSelfServiceController } from './donor-self-service.controller';

/** A donor's data rights: staff find by email, export, erase; a signed-in donor exports and erases. */
@Module({
  imports: [
    DonorAuthModule,
    DonorsModule,
    DonationsModule,
    PledgesModule,
    MailModule,
    ReceiptsModule,
    StripeEventsModule,
  ],
  controllers: [DonorPrivacyController, DonorSelfServiceController],
  providers: [DonorPrivacyRepository, DonorPrivacyService],
})
export class DonorPrivacyHttpModule {}
