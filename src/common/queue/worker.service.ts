import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Redis } from 'ioredis';
import { Environment } from '../config/environment';
import { JOB_DEFINITIONS } from './job-catalogue';
import { JOB_HANDLER } from './job-handler.decorator';
import { JobFailuresService } from './job-failures.service';
import { JobHandlerFn, JobRunner } from './job-runner';
import { createRedis, warnUnlessNoEviction } from './redis-connection';

/** The worker process's consumers: finds every @JobHandler and runs them with the catalogue. */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerService.name);
  private runner?: JobRunner;
  private connection?: Redis;

  constructor(
    private readonly env: Environment,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly failures: JobFailuresService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.connection = createRedis(this.env.REDIS_URL, 'worker');
    await warnUnlessNoEviction(this.connection, this.logger);
    this.runner = new JobRunner({
      definitions: JOB_DEFINITIONS,
      handlers: this.findHandlers(),
      connection: this.connection,
      prefix: this.env.QUEUE_PREFIX,
      concurrency: this.env.WORKER_CONCURRENCY,
      // Stripe events wait on Stripe for most of their run, holding no database connection.
      queueConcurrency: { 'stripe-events': this.env.STRIPE_EVENTS_CONCURRENCY },
      lockDurationMs: this.env.WORKER_LOCK_DURATION_MS,
      onFinalFailure: (failure) => this.failures.record(failure),
      logger: this.logger,
    });
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner?.close();
    this.connection?.disconnect();
  }

  private findHandlers(): Map<string, JobHandlerFn> {
    const found: [string, JobHandlerFn][] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const name = Reflect.getMetadata(JOB_HANDLER, prototype[method]) as string | undefined;
        if (name) found.push([name, (instance[method] as JobHandlerFn).bind(instance)]);
      }
    }
    JobRunner.assertCatalogueCovered(
      JOB_DEFINITIONS,
      found.map(([name]) => name),
    );
    return new Map(found);
  }
}
