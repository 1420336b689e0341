import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import { Environment } from '../common/config/environment';
import { errorSummary } from '../common/errors/describe-error';
import { JobPayloads } from '../common/queue/job-catalogue';
import { JobHandler } from '../common/queue/job-handler.decorator';
import { QueueService } from '../common/queue/queue.service';
import { parseSchedule } from '../common/queue/schedule';
import { startSweeper } from '../common/queue/sweeper';
import { ActionDeliveriesService } from './action-deliveries.service';

const RETRY_SCHEDULING_MS = 30_000;

/**
 * The worker side of deliveries: sends them, re-enqueues those whose job was lost, and checks
 * the actions' delivery schedules (`ACTION_DELIVERY_CHECK_SCHEDULE`, a BullMQ job scheduler
 * under a stable id, as maintenance's: any number of workers make one schedule).
 */
@Injectable()
export class ActionDeliveriesProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ActionDeliveriesProcessor.name);
  private stopSweeper?: () => void;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly env: Environment,
    private readonly queues: QueueService,
    private readonly deliveries: ActionDeliveriesService,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSweeper = startSweeper(
      'action delivery sweep',
      this.env.SWEEP_INTERVAL_MS,
      () => this.deliveries.sweep(),
      this.logger,
    );
    void this.registerSchedule();
  }

  onApplicationShutdown(): void {
    this.stopSweeper?.();
    clearTimeout(this.retryTimer);
  }

  @JobHandler('action-delivery.send')
  send(payload: JobPayloads['action-delivery.send'], job: Job) {
    return this.deliveries.send(payload.deliveryId, job);
  }

  @JobHandler('action-delivery.schedule')
  async schedule(): Promise<{ made: number }> {
    return { made: await this.deliveries.makeScheduled() };
  }

  /** Best effort at start; while Redis is away it tries again every 30 s. */
  async registerSchedule(): Promise<void> {
    const value = this.env.ACTION_DELIVERY_CHECK_SCHEDULE;
    try {
      const repeat = parseSchedule(value, this.env.ORGANIZATION_TIMEZONE);
      if (repeat) {
        await this.queues.schedule('action-delivery.schedule', { trigger: 'schedule' }, repeat);
      } else await this.queues.unschedule('action-delivery.schedule');
    } catch (error) {
      this.logger.warn(
        `could not register the delivery schedule check (${errorSummary(error)}): trying again in 30 s`,
      );
      this.retryTimer = setTimeout(() => void this.registerSchedule(), RETRY_SCHEDULING_MS);
      this.retryTimer.unref();
    }
  }
}
