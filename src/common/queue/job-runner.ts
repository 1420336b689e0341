import { Logger } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { errorSummary, scrubbedError, serializeError } from '../errors/describe-error';
import { JobDefinitions, QueueName } from './job-catalogue';
import { FailedJob } from './job-failures.repository';

/** Whether this try of the job is its last: a handler records the final failure then. */
export function isFinalAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

export type JobHandlerFn = (payload: Record<string, unknown>, job: Job) => Promise<unknown>;

export interface JobRunnerOptions {
  definitions: JobDefinitions;
  handlers: Map<string, JobHandlerFn>;
  connection: Redis;
  prefix: string;
  /** Jobs each queue's worker runs at once… */
  concurrency: number;
  /** …unless its queue has a number of its own here. */
  queueConcurrency?: Partial<Record<QueueName, number>>;
  /** A job held longer than this by a worker that stopped answering is run again. */
  lockDurationMs?: number;
  /** Called once a job has used up its attempts. */
  onFinalFailure: (failure: FailedJob) => Promise<void>;
  logger?: Logger;
}

/**
 * Checks the handlers against the catalogue (each job exactly one handler, no stray ones),
 * then runs one BullMQ worker per queue. A handler's throw is a BullMQ failure, so the job's
 * attempts and exponential backoff apply; the last failure is recorded for staff.
 */
export class JobRunner {
  private readonly workers: Worker[] = [];
  private readonly logger: Logger;

  constructor(private readonly options: JobRunnerOptions) {
    this.logger = options.logger ?? new Logger(JobRunner.name);
    JobRunner.assertCatalogueCovered(options.definitions, [...options.handlers.keys()]);
  }

  static assertCatalogueCovered(definitions: JobDefinitions, handlerNames: string[]): void {
    const problems: string[] = [];
    for (const name of Object.keys(definitions)) {
      const count = handlerNames.filter((h) => h === name).length;
      if (count !== 1) problems.push(`job "${name}" has ${count} handlers (needs exactly 1)`);
    }
    for (const name of new Set(handlerNames)) {
      if (!(name in definitions)) problems.push(`handler for unknown job "${name}"`);
    }
    if (problems.length) throw new Error(`Job catalogue mismatch: ${problems.join('; ')}`);
  }

  start(): void {
    const queues = new Set(Object.values(this.options.definitions).map((d) => d.queue));
    for (const queue of queues) {
      const worker = new Worker(queue, (job) => this.run(job), {
        connection: this.options.connection,
        prefix: this.options.prefix,
        concurrency: this.concurrencyOf(queue),
        ...(this.options.lockDurationMs
          ? {
              lockDuration: this.options.lockDurationMs,
              stalledInterval: this.options.lockDurationMs,
            }
          : {}),
        autorun: true,
      });
      worker.on('failed', (job, error) => void this.failed(job, error));
      worker.on('error', (error) => this.logger.warn(`worker ${queue}: ${errorSummary(error)}`));
      this.workers.push(worker);
    }
    const consumed = [...queues].map((queue) => `${queue} (${this.concurrencyOf(queue)} at once)`);
    this.logger.log(`consuming ${consumed.join(', ') || 'no queues'}`);
  }

  /** How many of the queue's jobs run at once. */
  concurrencyOf(queue: QueueName): number {
    return this.options.queueConcurrency?.[queue] ?? this.options.concurrency;
  }

  /** Stops taking jobs and waits for the running ones to finish. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  /**
   * A handler's error is rethrown scrubbed: BullMQ stores the thrown error's message and stack
   * in Redis (`failedReason`, `stacktrace`, shown by the queue dashboard), so they must hold no
   * SMTP recipient, query parameter or other personal data. `UnrecoverableError` stays one.
   */
  private async run(job: Job): Promise<unknown> {
    const handler = this.options.handlers.get(job.name);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    try {
      return await handler(job.data as Record<string, unknown>, job);
    } catch (error) {
      throw scrubbedError(error);
    }
  }

  private async failed(job: Job | undefined, error: Error): Promise<void> {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    this.logger.warn(
      {
        jobId: job.id,
        job: job.name,
        attempt: job.attemptsMade,
        attempts,
        err: serializeError(error),
      },
      'job failed',
    );
    // Retries used up, or an UnrecoverableError (BullMQ does not retry it): final either way.
    if (job.attemptsMade < attempts && error.name !== 'UnrecoverableError') return;
    try {
      await this.options.onFinalFailure({
        queue: job.queueName,
        jobName: job.name,
        jobId: String(job.id),
        payload: job.data as Record<string, unknown>,
        attempts: job.attemptsMade,
        error: errorSummary(error),
      });
    } catch (recordError) {
      this.logger.error(`could not record failure of job ${job.id}: ${errorSummary(recordError)}`);
    }
  }
}
