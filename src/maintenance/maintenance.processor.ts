import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Environment } from '../common/config/environment';
import { JobPayloads } from '../common/queue/job-catalogue';
import { JobHandler } from '../common/queue/job-handler.decorator';
import { QueueService } from '../common/queue/queue.service';
import { MaintenanceTask } from './maintenance-run.entity';
import { parseSchedule } from '../common/queue/schedule';
import { MaintenanceTasksService, RunOutcome } from './maintenance-tasks.service';
import { errorSummary } from '../common/errors/describe-error';

const RETRY_SCHEDULING_MS = 30_000;

/**
 * The worker side of self-repair: registers each task's BullMQ job scheduler at start (an
 * upsert under a stable id, so any number of workers registering is one schedule), and runs
 * the jobs. BullMQ hands each scheduled job to one worker; the task's advisory lock keeps a
 * manual run and a scheduled one from overlapping.
 */
@Injectable()
export class MaintenanceProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly env: Environment,
    private readonly queues: QueueService,
    private readonly tasks: MaintenanceTasksService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    void this.registerSchedules();
    await this.tasks.failInterruptedRuns().catch((error: unknown) => {
      this.logger.warn(`could not close interrupted maintenance runs: ${errorSummary(error)}`);
    });
  }

  onApplicationShutdown(): void {
    clearTimeout(this.retryTimer);
  }

  @JobHandler('maintenance.stripe-sync')
  stripeSync(payload: JobPayloads['maintenance.stripe-sync']): Promise<RunOutcome> {
    return this.tasks.run('stripe-sync', payload.trigger);
  }

  @JobHandler('maintenance.reconcile')
  reconcile(payload: JobPayloads['maintenance.reconcile']): Promise<RunOutcome> {
    return this.tasks.run('reconcile', payload.trigger);
  }

  @JobHandler('maintenance.retry-stuck')
  retryStuck(payload: JobPayloads['maintenance.retry-stuck']): Promise<RunOutcome> {
    return this.tasks.run('retry-stuck', payload.trigger);
  }

  /** Best effort at start; while Redis is away it tries again every 30 s. */
  async registerSchedules(): Promise<void> {
    const schedules: [MaintenanceTask, string][] = [
      ['stripe-sync', this.env.MAINTENANCE_STRIPE_SYNC_SCHEDULE],
      ['reconcile', this.env.MAINTENANCE_RECONCILE_SCHEDULE],
      ['retry-stuck', this.env.MAINTENANCE_RETRY_STUCK_SCHEDULE],
    ];
    try {
      for (const [task, value] of schedules) {
        const name = `maintenance.${task}` as const;
        const repeat = parseSchedule(value, this.env.ORGANIZATION_TIMEZONE);
        if (repeat) await this.queues.schedule(name, { trigger: 'schedule' }, repeat);
        else await this.queues.unschedule(name);
      }
      this.logger.log(
        `maintenance schedules: ${schedules.map(([task, value]) => `${task} "${value}"`).join(', ')}`,
      );
    } catch (error) {
      this.logger.warn(
        `could not register maintenance schedules (${errorSummary(error)}): trying again in 30 s`,
      );
      this.retryTimer = setTimeout(() => void this.registerSchedules(), RETRY_SCHEDULING_MS);
      this.retryTimer.unref();
    }
  }
}
