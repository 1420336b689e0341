import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import Stripe from 'stripe';
import { Environment } from '../../common/config/environment';
import { JobHandler } from '../../common/queue/job-handler.decorator';
import { QueueService } from '../../common/queue/queue.service';
import { PaymentSyncService } from '../../donations/payment-sync.service';
import { EventInboxService } from '../events/event-inbox.service';
import { StripeEventsRepository } from '../events/stripe-events.repository';
import { routeEvent } from './event-router';

@Injectable()
export class StripeEventsProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(StripeEventsProcessor.name);

  constructor(
    private readonly env: Environment,
    private readonly events: StripeEventsRepository,
    private readonly inbox: EventInboxService,
    private readonly payments: PaymentSyncService,
    private readonly queues: QueueService,
  ) {}

  /** The sweeper runs on a schedule shared by all workers (BullMQ runs each tick once). */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.queues
        .queue('maintenance')
        .upsertJobScheduler(
          'stripe-events.sweep',
          { every: this.env.EVENT_SWEEP_INTERVAL_MS },
          { name: 'stripe-events.sweep', data: {} },
        );
    } catch (error) {
      this.logger.warn(`could not schedule the event sweeper yet: ${(error as Error).message}`);
    }
  }

  @JobHandler('stripe-event.process')
  async process(payload: { eventId: string }, job: Job): Promise<string> {
    const stored = await this.events.findById(payload.eventId);
    if (!stored) return 'missing';
    if (stored.status === 'processed' || stored.status === 'ignored') return stored.status;
    const event = stored.payload as unknown as Stripe.Event;
    const route = routeEvent(event);
    try {
      if (route.kind === 'ignore') {
        await this.events.markDone(stored.id, 'ignored', route.reason);
        return 'ignored';
      }
      await this.payments.sync(route.paymentIntentId);
      await this.events.markDone(stored.id, 'processed');
      return 'processed';
    } catch (error) {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.events.markAttemptFailed(stored.id, (error as Error).message, final);
      throw error;
    }
  }

  /** Enqueues events stored while Redis was down (or whose job was lost). */
  @JobHandler('stripe-events.sweep')
  async sweep(): Promise<number> {
    // Events younger than one interval may still be on their way through the queue.
    const ids = await this.events.pendingIds(
      new Date(Date.now() - this.env.EVENT_SWEEP_INTERVAL_MS),
      1000,
    );
    let enqueued = 0;
    for (const id of ids) if (await this.inbox.enqueue(id)) enqueued += 1;
    if (enqueued) this.logger.log(`re-enqueued ${enqueued} pending Stripe events`);
    return enqueued;
  }
}
