import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DonorsModule } from '../donors/donors.module';
import { Donation } from './donation.entity';
import { DonationsRepository } from './donations.repository';
import { DonationsService } from './donations.service';
import { GiftRules } from './gift-rules';
import { OfflineDonationsService } from './offline-donations.service';
import { PaymentRecordsService } from './payment-records.service';
import { StaffRefund } from './staff-refund.entity';
import { StaffRefundsRepository } from './staff-refunds.repository';
import { StaffRefundsService } from './staff-refunds.service';

/** Donations: one-off gifts, their payment records, offline gifts and staff refunds. */
@Module({
  imports: [TypeOrmModule.forFeature([Donation, StaffRefund]), CampaignsModule, DonorsModule],
  providers: [
    DonationsRepository,
    DonationsService,
    GiftRules,
    OfflineDonationsService,
    PaymentRecordsService,
    StaffRefundsRepository,
    StaffRefundsService,
  ],
  exports: [
    DonationsService,
    GiftRules,
    OfflineDonationsService,
    PaymentRecordsService,
    StaffRefundsService,
  ],
})
export class DonationsModule {}
