import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import { Environment } from '../common/config/environment';
import { JobPayloads } from '../common/queue/job-catalogue';
import { JobHandler } from '../common/queue/job-handler.decorator';
import { startSweeper } from '../common/queue/sweeper';
import { ReceiptsService } from './receipts.service';

@Injectable()
export class ReceiptsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReceiptsProcessor.name);
  private stopSweeper?: () => void;

  constructor(
    private readonly env: Environment,
    private readonly receipts: ReceiptsService,
  ) {}

  /** The relay for receipts whose job was never enqueued (a crash, Redis down). */
  onApplicationBootstrap(): void {
    this.stopSweeper = startSweeper(
      'receipt sweep',
      this.env.SWEEP_INTERVAL_MS,
      () => this.receipts.sweep(),
      this.logger,
    );
  }

  onApplicationShutdown(): void {
    this.stopSweeper?.();
  }

  @JobHandler('receipt.send')
  send(payload: JobPayloads['receipt.send'], job: Job) {
    return this.receipts.send(payload.receiptId, job);
  }

  @JobHandler('statement.send')
  sendStatement(payload: JobPayloads['statement.send'], job: Job) {
    return this.receipts.sendStatement(payload.statementId, job);
  }
}
