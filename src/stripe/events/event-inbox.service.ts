import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import Stripe from 'stripe';
import { Environment } from '../../common/config/environment';
import { DomainError } from '../../common/errors/domain-error';
import { QueueService } from '../../common/queue/queue.service';
import { MetricsService, WebhookRejectReason } from '../../metrics/metrics.service';
import { StripeGateway } from '../stripe-gateway';
import { StripeEventsRepository } from './stripe-events.repository';
import { errorSummary } from '../../common/errors/describe-error';

/** Stripe's tolerance for the signature timestamp. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/** A signed body that is not an event would fail on every retry: refuse it as bad input. */
function assertEventShape(event: Stripe.Event): Stripe.Event {
  const problems = [
    typeof event.id === 'string' && event.id.startsWith('evt_') ? null : 'id',
    typeof event.type === 'string' ? null : 'type',
    Number.isInteger(event.created) ? null : 'created',
    typeof event.livemode === 'boolean' ? null : 'livemode',
    event.data && typeof event.data.object === 'object' ? null : 'data.object',
  ].filter(Boolean);
  if (problems.length) {
    throw new DomainError(
      'validation_failed',
      `not a Stripe event: missing or malformed ${problems.join(', ')}`,
    );
  }
  return event;
}

/** Where an event came from: a webhook, or Stripe's event list (recovering lost deliveries). */
export type EventSource = 'webhook' | 'event_list';

/** What handling an event came to: done, or nothing for us to do (with why). */
export type EventOutcome = { ignored: false } | { ignored: true; reason: string };

export interface Receipt {
  received: true;
  duplicate: boolean;
}

/**
 * The webhook's work: verify, store once, enqueue. A 2xx means the event is in Postgres;
 * Redis being down only delays processing (the sweeper enqueues what is still pending).
 */
@Injectable()
export class EventInboxService {
  private readonly logger = new Logger(EventInboxService.name);

  constructor(
    private readonly env: Environment,
    private readonly stripe: StripeGateway,
    private readonly events: StripeEventsRepository,
    private readonly queues: QueueService,
    private readonly metrics: MetricsService,
  ) {}

  /** Counts every webhook request, and each refusal by reason (no personal data in reasons). */
  verify(rawBody: Buffer | undefined, signature: string | undefined): Stripe.Event {
    this.metrics.webhooksReceived.inc();
    const reject = (reason: WebhookRejectReason, message: string) => {
      this.metrics.webhooksRejected.inc({ reason });
      return new DomainError('validation_failed', message);
    };
    if (!signature) throw reject('missing_signature', 'Stripe-Signature header is required');
    if (!rawBody?.length) throw reject('empty_body', 'the request body is empty');
    for (const secret of this.env.STRIPE_WEBHOOK_SECRETS) {
      let event: Stripe.Event;
      try {
        event = this.stripe.verifyWebhookEvent(
          rawBody,
          signature,
          secret,
          SIGNATURE_TOLERANCE_SECONDS,
        );
      } catch {
        continue; // Try the next secret: during a rotation either may have signed it.
      }
      try {
        return assertEventShape(event);
      } catch (error) {
        this.metrics.webhooksRejected.inc({ reason: 'malformed_event' });
        throw error;
      }
    }
    throw reject(
      'bad_signature',
      'Stripe-Signature does not match the body with any configured secret, or its timestamp is outside the 5-minute tolerance',
    );
  }

  async receive(event: Stripe.Event, source: EventSource = 'webhook'): Promise<Receipt> {
    let status: Awaited<ReturnType<StripeEventsRepository['store']>>;
    try {
      status = await this.events.store(event);
    } catch (error) {
      this.metrics.eventsStored.inc({ source, result: 'error' });
      this.logger.error(
        { eventId: event.id, err: errorSummary(error) },
        'could not store Stripe event',
      );
      throw new DomainError('unavailable', 'The event could not be stored: Stripe will retry');
    }
    // Stored is all Stripe needs to hear: the job is added after the answer, off the request's
    // path (a failure there is logged, and the sweeper enqueues what is still pending).
    this.metrics.eventsStored.inc({ source, result: status === 'new' ? 'new' : 'duplicate' });
    if (status === 'new' || status === 'pending') {
      this.queues.enqueueSoon('stripe-event.process', { eventId: event.id }, { jobId: event.id });
    }
    return { received: true, duplicate: status !== 'new' };
  }

  /** Best effort: a stored event that is not enqueued is picked up by the sweeper. */
  enqueue(eventId: string, jobId = eventId): Promise<boolean> {
    return this.queues.tryEnqueue('stripe-event.process', { eventId }, { jobId });
  }

  /**
   * Handles a stored event once. Holding the event's claim (a lease on its row, see
   * `OutboxTable`; no database connection is held meanwhile) it reads the status and works
   * only on an event not yet done, so overlapping jobs (the webhook's, a replay, a retry of
   * self-repair) apply it once. A job that finds the event claimed does nothing: the holder
   * finishes the event, or fails and retries. A failed try is recorded; the last one marks
   * the event failed, for staff to look at and replay.
   */
  process(
    eventId: string,
    job: Job,
    handle: (event: Stripe.Event) => Promise<EventOutcome>,
  ): Promise<string> {
    return this.events.outbox.run(eventId, job, {
      logger: this.logger,
      read: (em) => this.events.findById(eventId, em),
      status: (stored) => stored.status,
      settled: (status) => status,
      work: async (stored) => {
        const outcome = await handle(stored.payload as unknown as Stripe.Event);
        return outcome.ignored
          ? { done: 'ignored' as const, note: outcome.reason }
          : { done: 'processed' as const };
      },
      onDone: (stored, status) =>
        this.metrics.eventsProcessed.inc({ type: stored.type, outcome: status }),
      onFailed: (stored, final) =>
        this.metrics.eventsProcessed.inc({
          type: stored.type,
          outcome: final ? 'failed' : 'retrying',
        }),
    });
  }

  /** Enqueues events stored while Redis was down (or whose job was lost). */
  sweep(): Promise<number> {
    return this.events.outbox.sweep(this.env.SWEEP_INTERVAL_MS, 1000, (id) => this.enqueue(id));
  }
}
