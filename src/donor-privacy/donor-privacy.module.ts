import { Module } from '@nestjs/common';
import { DonorPrivacyController } from './donor-privacy.controller';
import { DonorPrivacyRepository } from './donor-privacy.repository';
import { DonorPrivacyService } from './donor-privacy.service';

/** Staff acting on a donor's data rights: find by email, export, erase. */
@Module({
  controllers: [DonorPrivacyController],
  providers: [DonorPrivacyRepository, DonorPrivacyService],
})
export class DonorPrivacyModule {}
