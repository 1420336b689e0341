import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { errorSummary } from '../common/errors/describe-error';
import { FOLD_BATCH } from './ledger.repository';
import { LedgerService } from './ledger.service';

/** How long the folder rests once nothing is left to fold. */
export const FOLD_INTERVAL_MS = 200;

/**
 * The worker's folder: every FOLD_INTERVAL_MS it folds the entries payments appended since
 * (whole batches back to back while a burst lasts) into the campaign totals and the hourly
 * rollup. Reads add what is still pending, so this bounds how much they add, not how current
 * they are. Several workers may run it: one folds at a time, the others find the lock taken.
 */
@Injectable()
export class LedgerFolder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LedgerFolder.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly ledger: LedgerService) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.foldAll().finally(() => this.schedule(FOLD_INTERVAL_MS));
    }, delayMs);
  }

  private async foldAll(): Promise<void> {
    try {
      while (!this.stopped && (await this.ledger.fold(FOLD_BATCH)) === FOLD_BATCH);
    } catch (error) {
      // Nothing is lost: the entries stay pending (and counted by reads) until the next turn.
      this.logger.warn({ err: errorSummary(error) }, 'could not fold ledger entries; will retry');
    }
  }
}
