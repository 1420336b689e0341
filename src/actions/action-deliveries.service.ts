import { randomUUID } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { EntityManager } from 'typeorm';
import { CronExpressionParser } from 'cron-parser';
import { Environment } from '../common/config/environment';
import { spreadsheetCsv } from '../common/csv/csv-safety';
import { IdempotencyService } from '../common/database/idempotency.service';
import { DomainError } from '../common/errors/domain-error';
import { errorSummary } from '../common/errors/describe-error';
import { OutboxOutcome } from '../common/outbox/outbox-table';
import { Letterhead, letterheadOf } from '../common/pdf/pdf';
import { QueueService } from '../common/queue/queue.service';
import { parseSchedule } from '../common/queue/schedule';
import { isUuid } from '../common/validation/is-uuid';
import { MailTransport } from '../mail/mail-transport';
import { MetricsService } from '../metrics/metrics.service';
import { deliveryEmail } from './action-delivery-email';
import { DeliveryDocument, renderDeliveryPdf } from './action-letter-pdf';
import { ActionDeliveriesRepository, ActionRef, DeliveryRow } from './action-deliveries.repository';
import { DeliveryView, deliveryView } from './delivery.views';

/** SMTP answers 5xx for a refusal that retrying will not change. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * The latest time at or before `now` that a delivery schedule (a cron pattern in the
 * organisation's time zone, or an interval such as `1h`) came round; null for `off` or a
 * schedule that cannot be read.
 */
export function latestFire(schedule: string, timeZone: string, now: Date): Date | null {
  try {
    const repeat = parseSchedule(schedule, timeZone);
    if (!repeat) return null;
    if ('every' in repeat) return new Date(Math.floor(now.getTime() / repeat.every) * repeat.every);
    // prev() is strictly before its date: a time exactly now counts as come round.
    const after = new Date(now.getTime() + 1);
    return CronExpressionParser.parse(repeat.pattern, { currentDate: after, tz: repeat.tz })
      .prev()
      .toDate();
  } catch {
    return null;
  }
}

/**
 * Deliveries of an action's signatures to its target: made by staff or by the action's
 * schedule, each carrying the confirmed signatures no earlier delivery carried, sent by a job
 * as one email with the letter and a PDF list of signers, once.
 */
@Injectable()
export class ActionDeliveriesService {
  private readonly logger = new Logger(ActionDeliveriesService.name);
  private readonly organisation: Letterhead;

  constructor(
    private readonly env: Environment,
    private readonly deliveries: ActionDeliveriesRepository,
    private readonly idempotency: IdempotencyService,
    private readonly transport: MailTransport,
    private readonly queues: QueueService,
    private readonly metrics: MetricsService,
  ) {
    this.organisation = letterheadOf(env);
  }

  /**
   * A delivery by staff. The same `Idempotency-Key` (and body) answers the same delivery; the
   * key with another body is a 409. No signature left to deliver: 409 `nothing_to_deliver`
   * (nothing is sent with a count of 0).
   */
  async create(actionId: string, note: string | null, key?: string): Promise<DeliveryView> {
    const action = await this.action(actionId);
    const id = randomUUID();
    const existing = await this.deliveries.manager.transaction(async (em) => {
      const earlier = await this.idempotency.claim(
        em,
        `action-deliveries:${action.id}`,
        key,
        { note },
        id,
        'resource',
      );
      if (earlier) return earlier;
      const created = await this.deliveries.create(em, {
        id,
        actionId: action.id,
        key: `staff:${id}`,
        note,
        upTo: null,
      });
      if (!created) {
        throw new DomainError(
          'nothing_to_deliver',
          'Every confirmed signature of this action was carried by an earlier delivery',
        );
      }
      return null;
    });
    const deliveryId = existing ?? id;
    if (!existing) await this.enqueue(deliveryId);
    const delivery = await this.deliveries.findById(deliveryId);
    if (!delivery) throw new DomainError('not_found', `No delivery ${deliveryId}`);
    return deliveryView(delivery);
  }

  async list(actionId: string): Promise<DeliveryView[]> {
    const action = await this.action(actionId);
    return (await this.deliveries.listForAction(action.id)).map(deliveryView);
  }

  /**
   * The scheduled deliveries: for each active action with a `deliveryCron`, the latest time it
   * came round; unless a delivery was made for that time already, one carrying the signatures
   * confirmed by then that no delivery carried (none: nothing is made, and a later check finds
   * the same). Missed times (the worker was down) come to one delivery at the next check.
   * Returns how many were made.
   */
  async makeScheduled(now = new Date()): Promise<number> {
    let made = 0;
    for (const action of await this.deliveries.scheduledActions()) {
      const fire = latestFire(action.deliveryCron, this.env.ORGANIZATION_TIMEZONE, now);
      if (!fire) continue;
      const key = `schedule:${action.id}:${fire.toISOString()}`;
      try {
        if (await this.deliveries.findByKey(key)) continue;
        const id = await this.deliveries.manager.transaction((em) =>
          this.deliveries.create(em, {
            id: randomUUID(),
            actionId: action.id,
            key,
            note: null,
            upTo: fire,
          }),
        );
        if (id) {
          made += 1;
          await this.enqueue(id);
        }
      } catch (error) {
        // One action's trouble (a duplicate key from a concurrent check) stops no other's.
        this.logger.warn(
          { actionId: action.id, err: errorSummary(error) },
          'scheduled delivery not made: the next check tries again',
        );
      }
    }
    return made;
  }

  private enqueue(deliveryId: string, suffix = ''): Promise<boolean> {
    return this.queues.tryEnqueue(
      'action-delivery.send',
      { deliveryId },
      { jobId: `action-delivery-${deliveryId}${suffix}` },
    );
  }

  sweep(): Promise<number> {
    return this.deliveries.outbox.sweep(this.env.SWEEP_INTERVAL_MS, 100, (id) => this.enqueue(id));
  }

  /**
   * The job. One sender per delivery at a time (its claim, see `OutboxTable`): only a pending
   * delivery is sent, so overlapping jobs and retries send it once. The email's Message-ID is
   * the delivery's own: should a worker die after SMTP accepted it but before it was marked
   * sent, the rerun's copy carries the same Message-ID, which mail systems deduplicate.
   */
  send(deliveryId: string, job: Job): Promise<string> {
    return this.deliveries.outbox.run(deliveryId, job, {
      logger: this.logger,
      read: (em) => this.deliveries.deliveryRow(deliveryId, em),
      status: (row) => row.status,
      settled: (status) => status,
      work: (row, em) => this.sendDelivery(row, em),
      permanent: isPermanent,
      onDone: () => this.metrics.emailsSent.inc({ kind: 'action-delivery' }),
      onFailed: (_row, final) =>
        this.metrics.emailsFailed.inc({ kind: 'action-delivery', final: String(final) }),
    });
  }

  private async sendDelivery(
    row: DeliveryRow,
    em: EntityManager,
  ): Promise<OutboxOutcome<'sent', 'empty'>> {
    const signers = await this.deliveries.signers(row.id, em);
    await this.deliveries.recordCount(row.id, signers.length, em);
    if (!signers.length) {
      return {
        gaveUp: 'empty',
        reason: 'every signer of this delivery withdrew before it was sent',
      };
    }
    const versions = [...new Set([row.letterVersion, ...signers.map((s) => s.letterVersion)])];
    const letters = await this.deliveries.letters(row.actionId, versions, em);
    const count = (v: number) => signers.filter((s) => s.letterVersion === v).length;
    const ordered = [
      ...letters.filter((l) => l.version === row.letterVersion),
      ...letters
        .filter((l) => l.version !== row.letterVersion)
        .sort((a, b) => b.version - a.version),
    ];
    const document: DeliveryDocument = {
      organisation: this.organisation,
      campaignTitle: row.campaignTitle,
      actionTitle: row.actionTitle,
      targetName: row.targetName,
      date: new Date(row.createdAt).toISOString().slice(0, 10),
      letters: ordered
        .map((l) => ({ ...l, signatures: count(l.version) }))
        .filter((l, i) => i === 0 || l.signatures > 0),
      signers,
    };
    const pdf = await renderDeliveryPdf(document);
    const email = deliveryEmail(document, row.note);
    await this.transport.send({
      to: row.targetEmail,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: `<action-delivery-${row.id}@${new URL(this.env.PUBLIC_BASE_URL).hostname}>`,
      attachments: [
        {
          filename: `signatures-${document.date}.pdf`,
          content: pdf,
          contentType: 'application/pdf',
        },
      ],
    });
    return { done: 'sent' };
  }

  /**
   * The action's confirmed and withdrawn signatures as a CSV stream for staff (UTF-8 with a
   * BOM, CRLF, formula-safe), and how many rows went out (for the audit log).
   */
  async signaturesCsv(
    actionId: string,
  ): Promise<{ filename: string; csv: Readable; rowsSent: () => number }> {
    const action = await this.action(actionId);
    const rows = await this.deliveries.copySignaturesCsv(action.id, this.env.ORGANIZATION_TIMEZONE);
    let records = 0;
    const csv = pipeline(
      rows,
      spreadsheetCsv(() => records++),
      () => undefined,
    );
    return {
      filename: `signatures-${action.campaignSlug}-${action.slug}.csv`,
      csv,
      rowsSent: () => Math.max(0, records - 1),
    };
  }

  private async action(id: string): Promise<ActionRef> {
    const action = isUuid(id) ? await this.deliveries.action(id) : null;
    if (!action) throw new DomainError('not_found', `No action ${id}`);
    return action;
  }
}
