import { Module } from '@nestjs/common';
import { ReceiptsModule } from './receipts.module';
import { ReceiptsProcessor } from './receipts.processor';

/** The worker side: sends receipts and statements, relays pending ones. */
@Module({ imports: [ReceiptsModule], providers: [ReceiptsProcessor] })
export class ReceiptsWorkerModule {}
