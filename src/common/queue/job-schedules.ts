import { Logger } from '@nestjs/common';
import { errorSummary } from '../errors/describe-error';
import { JobName, JobPayloads } from './job-catalogue';
import { QueueService } from './queue.service';
import { parseSchedule } from './schedule';

const RETRY_SCHEDULING_MS = 30_000;

/** A job to run on a configured schedule (`0 3 * * *`, `1m`, `off`). */
export interface JobSchedule<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  /** The configured value, as read from its environment variable. */
  value: string;
}

/**
 * Registers each job's BullMQ job scheduler (an upsert under a stable id: any number of
 * workers registering make one schedule; `off` removes it), best effort: while Redis is away it
 * tries again every 30 s. Returns what stops the retries, for shutdown.
 */
export function keepSchedules(
  queues: QueueService,
  schedules: JobSchedule[],
  timeZone: string,
  logger: Logger,
  what: string,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const register = async (): Promise<void> => {
    try {
      for (const { name, payload, value } of schedules) {
        const repeat = parseSchedule(value, timeZone);
        if (repeat) await queues.schedule(name, payload, repeat);
        else await queues.unschedule(name);
      }
      logger.log(`${what}: ${schedules.map((s) => `${s.name} "${s.value}"`).join(', ')}`);
    } catch (error) {
      logger.warn(`could not register ${what} (${errorSummary(error)}): trying again in 30 s`);
      timer = setTimeout(() => void register(), RETRY_SCHEDULING_MS);
      timer.unref();
    }
  };
  void register();
  return () => clearTimeout(timer);
}
