import { Module } from '@nestjs/common';
import { DonorAuthModule } from '../donor-auth/donor-auth.module';
import { DonorPrivacyController } from './donor-privacy.controller';
import { DonorPrivacyRepository } from './donor-privacy.repository';
import { DonorPrivacyService } from './donor-privacy.service';
import { DonorSelfServiceController } from './donor-self-service.controller';

/** A donor's data rights: staff find by email, export, erase; a signed-in donor exports and erases. */
@Module({
  imports: [DonorAuthModule],
  controllers: [DonorPrivacyController, DonorSelfServiceController],
  providers: [DonorPrivacyRepository, DonorPrivacyService],
})
export class DonorPrivacyModule {}
