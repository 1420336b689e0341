import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { Environment } from '../../common/config/environment';
import { DomainError } from '../../common/errors/domain-error';
import { QueueService } from '../../common/queue/queue.service';
import { StripeClient } from '../stripe-client';
import { StripeEventsRepository } from './stripe-events.repository';

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
    private readonly stripe: StripeClient,
    private readonly events: StripeEventsRepository,
    private readonly queues: QueueService,
  ) {}

  verify(rawBody: Buffer | undefined, signature: string | undefined): Stripe.Event {
    if (!signature)
      throw new DomainError('validation_failed', 'Stripe-Signature header is required');
    if (!rawBody?.length) throw new DomainError('validation_failed', 'the request body is empty');
    for (const secret of this.env.STRIPE_WEBHOOK_SECRETS) {
      let event: Stripe.Event;
      try {
        event = this.stripe.sdk.webhooks.constructEvent(
          rawBody,
          signature,
          secret,
          SIGNATURE_TOLERANCE_SECONDS,
        );
      } catch {
        continue; // Try the next secret: during a rotation either may have signed it.
      }
      return assertEventShape(event);
    }
    throw new DomainError(
      'validation_failed',
      'Stripe-Signature does not match the body with any configured secret, or its timestamp is outside the 5-minute tolerance',
    );
  }

  async receive(event: Stripe.Event): Promise<Receipt> {
    let status: Awaited<ReturnType<StripeEventsRepository['store']>>;
    try {
      status = await this.events.store(event);
    } catch (error) {
      this.logger.error(
        { eventId: event.id, err: (error as Error).message },
        'could not store Stripe event',
      );
      throw new DomainError('unavailable', 'The event could not be stored: Stripe will retry');
    }
    // Stored is all Stripe needs to hear: the job is added after the answer, off the request's
    // path (a failure there is logged, and the sweeper enqueues what is still pending).
    if (status === 'new' || status === 'pending') void this.enqueue(event.id);
    return { received: true, duplicate: status !== 'new' };
  }

  /** Best effort: a stored event that is not enqueued is picked up by the sweeper. */
  enqueue(eventId: string, jobId = eventId): Promise<boolean> {
    return this.queues.tryEnqueue('stripe-event.process', { eventId }, { jobId });
  }
}
