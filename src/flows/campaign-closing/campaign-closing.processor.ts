import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Environment } from '../../common/config/environment';
import { JobPayloads } from '../../common/queue/job-catalogue';
import { JobHandler } from '../../common/queue/job-handler.decorator';
import { QueueService } from '../../common/queue/queue.service';
import { keepSchedules } from '../../common/queue/job-schedules';
import { CampaignClosingService } from './campaign-closing.service';

/**
 * The worker side of closings: ends a closed campaign's pledges at Stripe, and checks on
 * `CAMPAIGN_CLOSE_CHECK_SCHEDULE` (a BullMQ job scheduler under a stable id: any number of
 * workers make one schedule) for campaigns whose `endsAt` has come and endings left undone.
 */
@Injectable()
export class CampaignClosingProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CampaignClosingProcessor.name);
  private stopScheduling?: () => void;

  constructor(
    private readonly env: Environment,
    private readonly queues: QueueService,
    private readonly closing: CampaignClosingService,
  ) {}

  onApplicationBootstrap(): void {
    this.stopScheduling = keepSchedules(
      this.queues,
      [
        {
          name: 'campaign-closing.check',
          payload: { trigger: 'schedule' },
          value: this.env.CAMPAIGN_CLOSE_CHECK_SCHEDULE,
        },
      ],
      this.env.ORGANIZATION_TIMEZONE,
      this.logger,
      'the campaign closing check',
    );
  }

  onApplicationShutdown(): void {
    this.stopScheduling?.();
  }

  @JobHandler('campaign-closing.apply')
  apply(payload: JobPayloads['campaign-closing.apply']) {
    return this.closing.applyEndings(payload.campaignId);
  }

  @JobHandler('campaign-closing.check')
  check() {
    return this.closing.check();
  }
}
