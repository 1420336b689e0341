import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Environment } from '../config/environment';
import { JOB_DEFINITIONS, JobName, JobPayloads, QueueName } from './job-catalogue';
import { createRedis } from './redis-connection';

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
    const definition = JOB_DEFINITIONS[name];
    // Fail fast rather than wait for a reconnect: callers have a fallback (the sweeper).
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
    await this.queue(definition.queue).add(name, payload, {
      ...RETENTION,
      attempts: definition.attempts,
      backoff: { type: 'exponential', delay: definition.backoffMs },
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
        { job: name, ...payload, err: (error as Error).message },
        'stored but not enqueued: the sweeper will pick it up',
      );
      return false;
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
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.redis.disconnect();
  }
}
