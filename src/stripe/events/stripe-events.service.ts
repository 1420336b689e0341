import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { ERASED_ERROR } from '../../common/errors/erased';
import { DomainError } from '../../common/errors/domain-error';
import { StripeGateway } from '../stripe-gateway';
import { EventInboxService } from './event-inbox.service';
import { scrubStripeEvent } from './scrub-event';
import { StripeEventsRepository } from './stripe-events.repository';
import { StripeEventStatus } from './stripe-event.entity';

/** Staff's view of the inbox: list, replay, and recover deliveries Stripe never made. */
@Injectable()
export class StripeEventsService {
  constructor(
    private readonly events: StripeEventsRepository,
    private readonly inbox: EventInboxService,
    private readonly stripe: StripeGateway,
  ) {}

  async list(status: StripeEventStatus | undefined, limit: number, before?: Date) {
    const rows = await this.events.list(status, limit, before);
    return rows.map((e) => ({
      id: e.id,
      type: e.type,
      objectId: e.objectId,
      status: e.status,
      attempts: e.attempts,
      lastError: e.lastError,
      stripeCreatedAt: e.stripeCreatedAt.toISOString(),
      receivedAt: e.receivedAt.toISOString(),
      processedAt: e.processedAt?.toISOString() ?? null,
    }));
  }

  /** Processes a stored event again (after a fix); processing is idempotent. */
  async replay(id: string): Promise<{ id: string; status: 'pending'; enqueued: boolean }> {
    if (!(await this.events.outbox.reset(id)))
      throw new DomainError('not_found', `No stored event ${id}`);
    const enqueued = await this.inbox.enqueue(id, `${id}:replay:${Date.now()}`);
    return { id, status: 'pending', enqueued };
  }

  /** Stores and enqueues events from Stripe's event list that we never received. */
  async syncSince(since: Date): Promise<{ seen: number; stored: number }> {
    let seen = 0;
    let stored = 0;
    const page: Stripe.Event[] = [];
    const flush = async () => {
      const known = await this.events.existing(page.map((e) => e.id));
      for (const event of page) {
        if (known.has(event.id)) continue;
        const result = await this.inbox.receive(event, 'event_list');
        if (!result.duplicate) stored += 1;
      }
      page.length = 0;
    };
    for await (const event of this.stripe.eventsSince(since)) {
      seen += 1;
      page.push(event);
      if (page.length === 100) await flush();
    }
    await flush();
    return { seen, stored };
  }

  /**
   * Donor erasure, in the caller's transaction: of these stored events (about the donor), those
   * kept from before payloads were scrubbed at ingest, or holding an error text, are rewritten
   * without either. Returns how many were rewritten.
   */
  async eraseDetails(
    em: EntityManager,
    events: { id: string; payload: Record<string, unknown>; lastError: string | null }[],
  ): Promise<number> {
    let rewritten = 0;
    for (const event of events) {
      const payload = scrubStripeEvent(event.payload);
      const errorLeft = event.lastError !== null && event.lastError !== ERASED_ERROR;
      if (errorLeft || JSON.stringify(payload) !== JSON.stringify(event.payload)) {
        await this.events.rewriteErased(em, event.id, payload);
        rewritten += 1;
      }
    }
    return rewritten;
  }
}
