import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Environment } from '../config/environment';
import { JOB_DEFINITIONS, JobName, JobPayloads, QueueName } from './job-catalogue';
import { createRedis } from './redis-connection';
import { errorSummary } from '../errors/describe-error';

/** Default retention: completed jobs go after an hour, failed ones after a week (the DB keeps the record). */
const RETENTION: JobsOptions = {
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Adds jobs of the catalogue with their retry policy. Used by the API and the worker. */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly logger = new Logger(QueueService.name);
  private readonly queues = new Map<QueueName, Queue>();
  /** Jobs enqueueSoon collected in this turn of the event loop, by name. */
  private readonly soon = new Map<JobName, { payload: unknown; jobId?: string }[]>();
  readonly redis: Redis;

  constructor(private readonly env: Environment) {
    this.redis = createRedis(env.REDIS_URL, 'producer');
  }

  /** Enqueues a job; throws when Redis is unreachable, so callers can rely on a sweeper instead. */
  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: { jobId?: string; delayMs?: number } = {},
  ): Promise<void> {
    // Fail fast rather than wait for a reconnect: callers have a fallback (the sweeper).
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
    await this.queue(JOB_DEFINITIONS[name].queue).add(name, payload, {
      ...this.jobOptions(name),
      jobId: options.jobId,
      delay: options.delayMs,
    });
  }

  /**
   * Enqueues after the state that needs the job was committed. Best effort: a failure (Redis
   * down) is logged and answered false, and the worker's sweeper enqueues what is still pending.
   */
  async tryEnqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: { jobId?: string } = {},
  ): Promise<boolean> {
    try {
      await this.enqueue(name, payload, options);
      return true;
    } catch (error) {
      this.logger.warn(
        { job: name, ...payload, err: errorSummary(error) },
        'stored but not enqueued: the sweeper will pick it up',
      );
      return false;
    }
  }

  /**
   * tryEnqueue for a burst, fire and forget: jobs asked for in the same turn of the event loop
   * go to Redis together, one round trip (addBulk) instead of one each. For the webhook, which
   * stores an event, answers, and only then needs its job.
   */
  enqueueSoon<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: { jobId?: string } = {},
  ): void {
    const batch = this.soon.get(name) ?? [];
    batch.push({ payload, jobId: options.jobId });
    this.soon.set(name, batch);
    if (this.soon.size === 1 && batch.length === 1) setImmediate(() => void this.flushSoon());
  }

  private async flushSoon(): Promise<void> {
    const batches = [...this.soon];
    this.soon.clear();
    await Promise.all(
      batches.map(async ([name, jobs]) => {
        try {
          if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
          await this.queue(JOB_DEFINITIONS[name].queue).addBulk(
            jobs.map((job) => ({
              name,
              data: job.payload,
              opts: { ...this.jobOptions(name), jobId: job.jobId },
            })),
          );
        } catch (error) {
          this.logger.warn(
            { job: name, count: jobs.length, err: errorSummary(error) },
            'stored but not enqueued: the sweeper will pick them up',
          );
        }
      }),
    );
  }

  private jobOptions(name: JobName): JobsOptions {
    const definition = JOB_DEFINITIONS[name];
    return {
      ...RETENTION,
      attempts: definition.attempts,
      backoff: { type: 'exponential', delay: definition.backoffMs },
    };
  }

  /**
   * Creates or updates a BullMQ job scheduler (a repeatable job) under a stable id: calling it
   * again, from any number of workers, changes nothing but the schedule.
   */
  async schedule<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    repeat: { pattern: string; tz: string } | { every: number },
  ): Promise<void> {
    await this.queue(JOB_DEFINITIONS[name].queue).upsertJobScheduler(name, repeat, {
      name,
      data: payload,
      opts: this.jobOptions(name),
    });
  }

  /** Removes a job scheduler (its schedule was turned off); nothing when there is none. */
  async unschedule(name: JobName): Promise<void> {
    await this.queue(JOB_DEFINITIONS[name].queue).removeJobScheduler(name);
  }

  /** Where a job of the catalogue is: `waiting`, `active`, `failed`, … or `unknown` when gone. */
  async jobState(name: JobName, jobId: string): Promise<string> {
    return this.queue(JOB_DEFINITIONS[name].queue).getJobState(jobId);
  }

  /** Removes a job that is not running (finished, failed, waiting): true when one was removed. */
  async removeJob(name: JobName, jobId: string): Promise<boolean> {
    return (await this.queue(JOB_DEFINITIONS[name].queue).remove(jobId)) === 1;
  }

  /**
   * Removes the failed jobs of a queue, and those waiting to retry after a failed try, whose
   * payload matches, with their entries in the queue's event stream: Redis keeps failure
   * reasons and stack traces in clear text in both. Jobs running right now are left alone.
   * Returns how many jobs were removed.
   */
  async removeFailedJobs(
    name: QueueName,
    matches: (payload: Record<string, unknown>) => boolean,
  ): Promise<number> {
    const queue = this.queue(name);
    const page = 500;
    const removed = new Set<string>();
    for (const state of ['failed', 'delayed'] as const) {
      for (let start = 0; ;) {
        const jobs = await queue.getJobs([state], start, start + page - 1, true);
        let removedHere = 0;
        for (const job of jobs) {
          if (!job?.id || !matches((job.data ?? {}) as Record<string, unknown>)) continue;
          if ((await queue.remove(job.id)) === 1) {
            removed.add(job.id);
            removedHere += 1;
          }
        }
        if (jobs.length < page) break;
        // Removed jobs leave the list: the next page starts that much earlier.
        start += jobs.length - removedHere;
      }
    }
    if (removed.size) await this.dropStreamEntries(queue.keys.events, removed);
    return removed.size;
  }

  /** Deletes the event-stream entries (`failed`, `retries-exhausted`, …) of these jobs. */
  private async dropStreamEntries(stream: string, jobIds: Set<string>): Promise<void> {
    for (let from = '-'; ;) {
      const entries = await this.redis.xrange(stream, from, '+', 'COUNT', 1000);
      const doomed = entries
        .filter(([, fields]) => {
          const at = fields.indexOf('jobId');
          return at >= 0 && at % 2 === 0 && jobIds.has(fields[at + 1]);
        })
        .map(([id]) => id);
      if (doomed.length) await this.redis.xdel(stream, ...doomed);
      if (entries.length < 1000) return;
      from = `(${entries[entries.length - 1][0]}`;
    }
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.env.QUEUE_PREFIX });
      queue.on('error', (error) => this.logger.warn(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flushSoon();
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.redis.disconnect();
  }
}
