import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { EntityManager } from 'typeorm';
import { Environment } from '../common/config/environment';
import { QueueService } from '../common/queue/queue.service';
import { NewEmail, OutboundEmailsRepository } from './outbound-emails.repository';
import { MailTransport } from './mail-transport';
import { isFinalAttempt } from '../common/queue/job-runner';
import { MetricsService } from '../metrics/metrics.service';

/** Sends what the outbox holds: one job per email, the outbox row as the sent marker. */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(
    private readonly env: Environment,
    private readonly emails: OutboundEmailsRepository,
    private readonly transport: MailTransport,
    private readonly queues: QueueService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Puts an email in the outbox, in the caller's transaction: at most one per dedupe key
   * (null when one was there already). Send it with `enqueue` once the transaction commits.
   */
  add(em: EntityManager, email: NewEmail): Promise<string | null> {
    return this.emails.add(em, email);
  }

  /** After the transaction that wrote the emails commits. Best effort: the sweeper catches up. */
  async enqueue(emailIds: (string | null)[]): Promise<void> {
    for (const emailId of emailIds) {
      if (!emailId) continue;
      await this.queues.tryEnqueue('email.send', { emailId }, { jobId: `email-${emailId}` });
    }
  }

  /**
   * The job. One sender per email at a time: under the email's advisory lock it reads the
   * status and sends only a pending email, so overlapping jobs send it once; a job that finds
   * the lock taken does nothing (the holder sends it, or fails and retries). A failed email
   * whose job runs again was retried by hand (the queue dashboard): it is sent again.
   */
  async send(
    emailId: string,
    job: Job,
  ): Promise<'sent' | 'already-sent' | 'missing' | 'in-progress'> {
    const locked = await this.emails.whileSending(emailId, (em) =>
      this.sendLocked(em, emailId, job),
    );
    return locked ? locked.result : 'in-progress';
  }

  private async sendLocked(
    em: EntityManager,
    emailId: string,
    job: Job,
  ): Promise<'sent' | 'already-sent' | 'missing'> {
    const email = await this.emails.findById(emailId, em);
    if (!email) return 'missing';
    // Automatic tries run while it is pending and self-repair revives only pending ones, so a
    // job that finds it failed was retried by hand. An erased donor's email stays failed.
    if (email.status === 'failed' && (await this.emails.reopenFailed(em, emailId))) {
      this.logger.log({ emailId, jobId: job.id }, 'failed email retried by hand: sending it');
      email.status = 'pending';
    }
    // Sent, or given up (failed, or cleared when the donor was erased): nothing to send.
    if (email.status !== 'pending') return 'already-sent';
    try {
      await this.transport.send({
        to: email.toAddress,
        subject: email.subject,
        text: email.textBody ?? '',
        html: email.htmlBody ?? '',
        messageId: `<${email.id}@${new URL(this.env.PUBLIC_BASE_URL).hostname}>`,
      });
    } catch (error) {
      const final = isFinalAttempt(job);
      await this.emails.markAttemptFailed(email.id, error, final, em);
      this.metrics.emailsFailed.inc({ kind: email.kind, final: String(final) });
      throw error;
    }
    await this.emails.markSent(email.id, email.purgeAfterSend, em);
    this.metrics.emailsSent.inc({ kind: email.kind });
    return 'sent';
  }

  async sweep(): Promise<number> {
    const ids = await this.emails.pendingIds(
      new Date(Date.now() - this.env.SWEEP_INTERVAL_MS),
      500,
    );
    await this.enqueue(ids);
    return ids.length;
  }

  /**
   * Donor erasure, in the caller's transaction: the emails to the donor (or to `email`, the
   * address they had) keep neither address, bodies nor error text, and unsent ones stop.
   * Returns how many held anything to clear.
   */
  eraseRecipient(em: EntityManager, donorId: string, email: string | null): Promise<number> {
    return this.emails.eraseRecipient(em, donorId, email);
  }
}
