import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  CampaignCurrencyTotals,
  CampaignDonor,
  CampaignProgress,
  LedgerUnfolded,
} from './campaign-progress.entity';
import { LedgerEntry } from './ledger-entry.entity';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { CampaignDonorGift, DonorFirstGift, LedgerHourly } from './report-rollups.entity';

/**
 * The append-only ledger, the campaign totals and the report rollups folded from it (the
 * worker's LedgerWorkerModule runs the folder).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      LedgerEntry,
      CampaignProgress,
      CampaignCurrencyTotals,
      CampaignDonor,
      CampaignDonorGift,
      DonorFirstGift,
      LedgerHourly,
      LedgerUnfolded,
    ]),
  ],
  providers: [LedgerRepository, LedgerService],
  exports: [LedgerService],
})
export class LedgerModule {}
