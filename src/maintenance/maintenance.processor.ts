import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Environment } from '../common/config/environment';
import { JobPayloads } from '../common/queue/job-catalogue';
import { JobHandler } from '../common/queue/job-handler.decorator';
import { QueueService } from '../common/queue/queue.service';
import { keepSchedules } from '../common/queue/job-schedules';
import { MaintenanceTasksService, RunOutcome } from './maintenance-tasks.service';
import { errorSummary } from '../common/errors/describe-error';

/**
 * The worker side of self-repair: registers each task's BullMQ job scheduler at start (an
 * upsert under a stable id, so any number of workers registering is one schedule), and runs
 * the jobs. BullMQ hands each scheduled job to one worker; the task's advisory lock keeps a
 * manual run and a scheduled one from overlapping.
 */
@Injectable()
export class MaintenanceProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  private stopScheduling?: () => void;

  constructor(
    private readonly env: Environment,
    private readonly queues: QueueService,
    private readonly tasks: MaintenanceTasksService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stopScheduling = keepSchedules(
      this.queues,
      (
        [
          ['stripe-sync', this.env.MAINTENANCE_STRIPE_SYNC_SCHEDULE],
          ['reconcile', this.env.MAINTENANCE_RECONCILE_SCHEDULE],
          ['retry-stuck', this.env.MAINTENANCE_RETRY_STUCK_SCHEDULE],
        ] as const
      ).map(([task, value]) => ({
        name: `maintenance.${task}` as const,
        payload: { trigger: 'schedule' as const },
        value,
      })),
      this.env.ORGANIZATION_TIMEZONE,
      this.logger,
      'maintenance schedules',
    );
    await this.tasks.failInterruptedRuns().catch((error: unknown) => {
      this.logger.warn(`could not close interrupted maintenance runs: ${errorSummary(error)}`);
    });
  }

  onApplicationShutdown(): void {
    this.stopScheduling?.();
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
}
