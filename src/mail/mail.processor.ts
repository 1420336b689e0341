import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import { Environment } from '../common/config/environment';
import { JobPayloads } from '../common/queue/job-catalogue';
import { JobHandler } from '../common/queue/job-handler.decorator';
import { startSweeper } from '../common/queue/sweeper';
import { MailService } from './mail.service';

@Injectable()
export class MailProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MailProcessor.name);
  private stopSweeper?: () => void;

  constructor(
    private readonly env: Environment,
    private readonly mail: MailService,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSweeper = startSweeper(
      'email sweep',
      this.env.SWEEP_INTERVAL_MS,
      () => this.mail.sweep(),
      this.logger,
    );
  }

  onApplicationShutdown(): void {
    this.stopSweeper?.();
  }

  @JobHandler('email.send')
  send(payload: JobPayloads['email.send'], job: Job) {
    return this.mail.send(payload.emailId, job);
  }
}
