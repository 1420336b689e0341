import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import { Environment } from '../common/config/environment';
import { JobPayloads } from '../common/queue/job-catalogue';
import { JobHandler } from '../common/queue/job-handler.decorator';
import { QueueService } from '../common/queue/queue.service';
import { keepSchedules } from '../common/queue/job-schedules';
import { startSweeper } from '../common/queue/sweeper';
import { ActionDeliveriesService } from './action-deliveries.service';

/**
 * The worker side of deliveries: sends them, re-enqueues those whose job was lost, and checks
 * the actions' delivery schedules (`ACTION_DELIVERY_CHECK_SCHEDULE`, a BullMQ job scheduler
 * under a stable id, as maintenance's: any number of workers make one schedule).
 */
@Injectable()
export class ActionDeliveriesProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ActionDeliveriesProcessor.name);
  private stopSweeper?: () => void;
  private stopScheduling?: () => void;

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
    this.stopScheduling = keepSchedules(
      this.queues,
      [
        {
          name: 'action-delivery.schedule',
          payload: { trigger: 'schedule' },
          value: this.env.ACTION_DELIVERY_CHECK_SCHEDULE,
        },
      ],
      this.env.ORGANIZATION_TIMEZONE,
      this.logger,
      'the delivery schedule check',
    );
  }

  onApplicationShutdown(): void {
    this.stopSweeper?.();
    this.stopScheduling?.();
  }

  @JobHandler('action-delivery.send')
  send(payload: JobPayloads['action-delivery.send'], job: Job) {
    return this.deliveries.send(payload.deliveryId, job);
  }

  @JobHandler('action-delivery.schedule')
  async schedule(): Promise<{ made: number }> {
    return { made: await this.deliveries.makeScheduled() };
  }
}
