import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { EntityManager } from 'typeorm';
import { Environment } from '../common/config/environment';
import { QueueService } from '../common/queue/queue.service';
import { NewEmail, OutboundEmailsRepository } from './outbound-emails.repository';
import { MailTransport } from './mail-transport';
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
      if (emailId) await this.enqueueOne(emailId);
    }
  }

  private enqueueOne(emailId: string): Promise<boolean> {
    return this.queues.tryEnqueue('email.send', { emailId }, { jobId: `email-${emailId}` });
  }

  /**
   * The job. One sender per email at a time: holding the email's claim (see `OutboxTable`) it
   * reads the status and sends only a pending email, so overlapping jobs send it once; a job
   * that finds the email claimed does nothing (the holder sends it, or fails and retries). A failed email
   * whose job runs again was retried by hand (the queue dashboard): it is sent again, unless
   * the donor was erased.
   */
  send(emailId: string, job: Job): Promise<'sent' | 'already-sent' | 'missing' | 'in-progress'> {
    return this.emails.outbox.run(emailId, job, {
      logger: this.logger,
      read: (em) => this.emails.findById(emailId, em),
      status: (email) => email.status,
      // Sent, or given up (failed, or cleared when the donor was erased): nothing to send.
      settled: () => 'already-sent' as const,
      work: async (email) => {
        await this.transport.send({
          to: email.toAddress,
          subject: email.subject,
          text: email.textBody ?? '',
          html: email.htmlBody ?? '',
          messageId: `<${email.id}@${new URL(this.env.PUBLIC_BASE_URL).hostname}>`,
        });
        return { done: 'sent' as const };
      },
      onDone: (email) => this.metrics.emailsSent.inc({ kind: email.kind }),
      onFailed: (email, final) =>
        this.metrics.emailsFailed.inc({ kind: email.kind, final: String(final) }),
    });
  }

  sweep(): Promise<number> {
    return this.emails.outbox.sweep(this.env.SWEEP_INTERVAL_MS, 500, (id) => this.enqueueOne(id));
  }

  /**
   * Donor erasure, in the caller's transaction: the emails to the donor (or to `email`, the
   * address they had) keep neither address, bodies nor error text, and unsent ones stop.
   * Returns how many held anything to clear.
   */
  eraseRecipient(em: EntityManager, donorId: string, email: string | null): Promise<number> {
    return this.emails.eraseRecipient(em, donorId, email);
  }

  /**
   * In the caller's transaction: the emails written under these dedupe keys, once sent (or given
   * up), keep neither address, bodies nor error text (a confirmation link that was used). One
   * still pending is left to go out (the periodic `forgetSettled` clears it later).
   */
  forgetSentByKeys(em: EntityManager, dedupeKeys: string[]): Promise<number> {
    return this.emails.forgetSettledByKeys(em, dedupeKeys);
  }

  /**
   * Emails of `kind` older than `hours`, sent or given up, are emptied (address, bodies, error
   * text): for links that expired after that long. Returns how many (at most `limit`).
   */
  forgetSettled(kind: string, hours: number, limit: number): Promise<number> {
    return this.emails.forgetSettled(kind, hours, limit);
  }
}
