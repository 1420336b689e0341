import { Logger } from '@nestjs/common';
import { errorSummary } from '../errors/describe-error';

/**
 * Runs `sweep` every `intervalMs` in this process, logging (never throwing) its failures.
 * Sweepers exist for when Redis was down or lost jobs, so they are timers, not queued jobs;
 * what they enqueue carries a stable job id, so several workers sweeping at once is harmless.
 * Returns the function that stops it.
 */
export function startSweeper(
  name: string,
  intervalMs: number,
  sweep: () => Promise<number>,
  logger: Logger,
): () => void {
  const timer = setInterval(() => {
    sweep()
      .then((count) => {
        if (count) logger.log(`${name}: re-enqueued ${count}`);
      })
      .catch((error: unknown) => logger.warn(`${name} failed: ${errorSummary(error)}`));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
