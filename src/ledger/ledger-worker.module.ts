import { Module } from '@nestjs/common';
import { LedgerFolder } from './ledger-folder';
import { LedgerModule } from './ledger.module';

/** The worker's part of the ledger: the folder that keeps the campaign totals folded. */
@Module({
  imports: [LedgerModule],
  providers: [LedgerFolder],
})
export class LedgerWorkerModule {}
