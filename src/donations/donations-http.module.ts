import { Module } from '@nestjs/common';
import { AdminDonationsController } from './admin-donations.controller';
import { DonationsController } from './donations.controller';
import { DonationsModule } from './donations.module';

/** Donations over HTTP: sites start gifts, staff refund them. */
@Module({
  imports: [DonationsModule],
  controllers: [DonationsController, AdminDonationsController],
})
export class DonationsHttpModule {}
