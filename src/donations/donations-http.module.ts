import { Module } from '@nestjs/common';
import { AdminDonationsController } from './admin-donations.controller';
import { DonationsController } from './donations.controller';
import { DonationsModule } from './donations.module';
import { QuoteController } from './quote.controller';

/** Donations over HTTP: sites quote and start gifts, staff refund them. */
@Module({
  imports: [DonationsModule],
  controllers: [DonationsController, QuoteController, AdminDonationsController],
})
export class DonationsHttpModule {}
