import { Module } from '@nestjs/common';
import { DonationsModule } from '../../donations/donations.module';
import { ReceiptsModule } from '../../receipts/receipts.module';
import { GiftStatusController } from './gift-status.controller';

/** Thank-you pages ask whether the gift they started was counted, and its receipt number. */
@Module({
  imports: [DonationsModule, ReceiptsModule],
  controllers: [GiftStatusController],
})
export class GiftStatusHttpModule {}
