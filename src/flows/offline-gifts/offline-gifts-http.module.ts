import { Module } from '@nestjs/common';
import { DonationsModule } from '../../donations/donations.module';
import { DonorsModule } from '../../donors/donors.module';
import { LedgerModule } from '../../ledger/ledger.module';
import { MailModule } from '../../mail/mail.module';
import { ReceiptsModule } from '../../receipts/receipts.module';
import { AdminOfflineGiftsController } from './admin-offline-gifts.controller';
import { OfflineGiftsService } from './offline-gifts.service';

/** Staff record cheque, transfer and cash gifts: donation, ledger and receipt at once. */
@Module({
  imports: [DonationsModule, DonorsModule, LedgerModule, MailModule, ReceiptsModule],
  controllers: [AdminOfflineGiftsController],
  providers: [OfflineGiftsService],
})
export class OfflineGiftsHttpModule {}
