import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Environment } from '../../common/config/environment';
import { errorSummary } from '../../common/errors/describe-error';
import { JobPayloads } from '../../common/queue/job-catalogue';
import { JobHandler } from '../../common/queue/job-handler.decorator';
import { QueueService } from '../../common/queue/queue.service';
import { parseSchedule } from '../../common/queue/schedule';
import { CampaignClosingService } from './campaign-closing.service';

const RETRY_SCHEDULING_MS = 30_000;

/**
 * The worker side of closings: ends a closed campaign's pledges at Stripe, and checks on
 * `CAMPAIGN_CLOSE_CHECK_SCHEDULE` (a BullMQ job scheduler under a stable id: any number of
 * workers make one schedule) for campaigns whose `endsAt` has come and endings left undone.
 */
@Injectable()
export class CampaignClosingProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CampaignClosingProcessor.name);
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly env: Environment,
    private readonly queues: QueueService,
    private readonly closing: CampaignClosingService,
  ) {}

  onApplicationBootstrap(): void {
    void this.registerSchedule();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.retryTimer);
  }

  @JobHandler('campaign-closing.apply')
  apply(payload: JobPayloads['campaign-closing.apply']) {
    return this.closing.applyEndings(payload.campaignId);
  }

  @JobHandler('campaign-closing.check')
  check() {
    return this.closing.check();
  }

  /** Best effort at start; while Redis is away it tries again every 30 s. */
  async registerSchedule(): Promise<void> {
    const value = this.env.CAMPAIGN_CLOSE_CHECK_SCHEDULE;
    try {
      const repeat = parseSchedule(value, this.env.ORGANIZATION_TIMEZONE);
      if (repeat) {
        await this.queues.schedule('campaign-closing.check', { trigger: 'schedule' }, repeat);
      } else await this.queues.unschedule('campaign-closing.check');
    } catch (error) {
      this.logger.warn(
        `could not register the campaign closing check (${errorSummary(error)}): trying again in 30 s`,
      );
      this.retryTimer = setTimeout(() => void this.registerSchedule(), RETRY_SCHEDULING_MS);
      this.retryTimer.unref();
    }
  }
}
