import { Module } from '@nestjs/common';
import { DonationsModule } from '../../donations/donations.module';
import { PledgesModule } from '../../pledges/pledges.module';
import { ReceiptsModule } from '../../receipts/receipts.module';
import { PledgeStatusController } from './pledge-status.controller';
import { PledgeStatusService } from './pledge-status.service';

/** Thank-you pages ask whether the pledge they started has its first payment counted. */
@Module({
  imports: [PledgesModule, DonationsModule, ReceiptsModule],
  controllers: [PledgeStatusController],
  providers: [PledgeStatusService],
})
export class PledgeStatusHttpModule {}
