import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { Environment } from '../../common/config/environment';
import { JobHandler } from '../../common/queue/job-handler.decorator';
import { startSweeper } from '../../common/queue/sweeper';
import { PaymentSyncService } from '../../donations/payment-sync.service';
import { PledgeEventsService } from '../../pledges/pledge-events.service';
import { PayoutsService } from '../../payouts/payouts.service';
import { EventInboxService } from '../events/event-inbox.service';
import { StripeEventsRepository } from '../events/stripe-events.repository';
import { routeEvent } from './event-router';
import { isFinalAttempt } from '../../common/queue/job-runner';
import { MetricsService } from '../../metrics/metrics.service';

@Injectable()
export class StripeEventsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StripeEventsProcessor.name);

  constructor(
    private readonly env: Environment,
    private readonly events: StripeEventsRepository,
    private readonly inbox: EventInboxService,
    private readonly payments: PaymentSyncService,
    private readonly pledgeEvents: PledgeEventsService,
    private readonly payouts: PayoutsService,
    private readonly metrics: MetricsService,
  ) {}

  private stopSweeper?: () => void;

  onApplicationBootstrap(): void {
    this.stopSweeper = startSweeper(
      'stripe event sweep',
      this.env.SWEEP_INTERVAL_MS,
      () => this.sweep(),
      this.logger,
    );
  }

  onApplicationShutdown(): void {
    this.stopSweeper?.();
  }

  /**
   * One job processes an event at a time: under the event's advisory lock it reads the status
   * and works only on an event not yet done, so overlapping jobs (the webhook's, a replay, a
   * retry of self-repair) apply it once. A job that finds the lock taken does nothing: the
   * holder finishes the event, or fails and retries.
   */
  @JobHandler('stripe-event.process')
  async process(payload: { eventId: string }, job: Job): Promise<string> {
    const locked = await this.events.whileProcessing(payload.eventId, (em) =>
      this.processLocked(em, payload.eventId, job),
    );
    return locked ? locked.result : 'in-progress';
  }

  private async processLocked(em: EntityManager, eventId: string, job: Job): Promise<string> {
    const stored = await this.events.findById(eventId, em);
    if (!stored) return 'missing';
    if (stored.status === 'processed' || stored.status === 'ignored') return stored.status;
    const event = stored.payload as unknown as Stripe.Event;
    const route = routeEvent(event);
    try {
      if (route.kind === 'ignore') {
        await this.events.markDone(stored.id, 'ignored', route.reason, em);
        this.metrics.eventsProcessed.inc({ type: stored.type, outcome: 'ignored' });
        return 'ignored';
      }
      if (route.kind === 'payment') await this.payments.sync(route.paymentIntentId);
      if (route.kind === 'subscription')
        await this.pledgeEvents.subscriptionChanged(route.subscriptionId);
      if (route.kind === 'invoice')
        await this.pledgeEvents.invoiceEvent(event.type, route.invoiceId);
      if (route.kind === 'setup_intent')
        await this.pledgeEvents.setupSucceeded(route.setupIntentId);
      if (route.kind === 'payout') await this.payouts.sync(route.payoutId);
      await this.events.markDone(stored.id, 'processed', null, em);
      this.metrics.eventsProcessed.inc({ type: stored.type, outcome: 'processed' });
      return 'processed';
    } catch (error) {
      const final = isFinalAttempt(job);
      await this.events.markAttemptFailed(stored.id, error, final, em);
      this.metrics.eventsProcessed.inc({
        type: stored.type,
        outcome: final ? 'failed' : 'retrying',
      });
      throw error;
    }
  }

  /** Enqueues events stored while Redis was down (or whose job was lost). */
  async sweep(): Promise<number> {
    // Events younger than one interval may still be on their way through the queue.
    const ids = await this.events.pendingIds(
      new Date(Date.now() - this.env.SWEEP_INTERVAL_MS),
      1000,
    );
    let enqueued = 0;
    for (const id of ids) if (await this.inbox.enqueue(id)) enqueued += 1;
    return enqueued;
  }
}
