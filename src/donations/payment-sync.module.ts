import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { PledgesDataModule } from '../pledges/pledges-data.module';
import { ReceiptsCoreModule } from '../receipts/receipts.module';
import { DonationsRepository } from './donations.repository';
import { PaymentSyncService } from './payment-sync.service';

/** Applying Stripe's state to donations and the ledger: what the worker needs, without HTTP. */
@Module({
  imports: [LedgerModule, PledgesDataModule, ReceiptsCoreModule],
  providers: [DonationsRepository, PaymentSyncService],
  exports: [DonationsRepository, PaymentSyncService, LedgerModule],
})
export class PaymentSyncModule {}
