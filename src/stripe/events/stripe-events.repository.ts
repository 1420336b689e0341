import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { EntityManager, Repository } from 'typeorm';
import { Environment } from '../../common/config/environment';
import { OutboxTable, outboxLeaseMs } from '../../common/outbox/outbox-table';
import { StripeEvent, StripeEventStatus } from './stripe-event.entity';
import { scrubStripeEvent } from './scrub-event';
import { ERASED_ERROR } from '../../common/errors/erased';

@Injectable()
export class StripeEventsRepository {
  /**
   * Processing an event once: its claim, status and tries. A failed event whose job runs again
   * is processed as it stands (the handler goes by Stripe's current state); a replay clears
   * its processed_at and keeps its last error until it is processed again.
   */
  readonly outbox: OutboxTable;

  constructor(
    @InjectRepository(StripeEvent) private readonly repo: Repository<StripeEvent>,
    env: Environment,
  ) {
    this.outbox = new OutboxTable(
      repo.manager.connection,
      {
        table: 'stripe_events',
        statusColumn: 'status',
        doneAtColumn: 'processed_at',
        pendingSince: true,
        clearOnReset: ['processed_at'],
      },
      outboxLeaseMs(env),
    );
  }

  /**
   * Stores the event once under its Stripe id, without its personal fields (scrubStripeEvent).
   * Returns its status ('new' when just stored).
   */
  async store(event: Stripe.Event): Promise<'new' | StripeEventStatus> {
    const object = event.data?.object as { id?: string } | undefined;
    // The common case is a new event: one plain insert. Only a redelivery reads its status.
    const inserted: unknown[] = await this.repo.query(
      `INSERT INTO stripe_events (id, type, object_id, api_version, livemode, stripe_created_at, payload)
       VALUES ($1, $2, $3, $4, $5, to_timestamp($6), $7)
       ON CONFLICT (id) DO NOTHING RETURNING 1`,
      [
        event.id,
        event.type,
        object?.id ?? null,
        event.api_version ?? null,
        event.livemode,
        event.created,
        JSON.stringify(scrubStripeEvent(event)),
      ],
    );
    if (inserted.length) return 'new';
    const rows: { status: StripeEventStatus }[] = await this.repo.query(
      `SELECT status FROM stripe_events WHERE id = $1`,
      [event.id],
    );
    return rows[0].status;
  }

  findById(id: string, em: EntityManager = this.repo.manager): Promise<StripeEvent | null> {
    return em.findOne(StripeEvent, { where: { id } });
  }

  list(
    status: StripeEventStatus | undefined,
    limit: number,
    before?: Date,
  ): Promise<StripeEvent[]> {
    const qb = this.repo
      .createQueryBuilder('e')
      .select([
        'e.id',
        'e.type',
        'e.objectId',
        'e.status',
        'e.attempts',
        'e.lastError',
        'e.receivedAt',
        'e.processedAt',
        'e.stripeCreatedAt',
      ])
      .orderBy('e.received_at', 'DESC')
      .limit(limit);
    if (status) qb.andWhere('e.status = :status', { status });
    if (before) qb.andWhere('e.received_at < :before', { before });
    return qb.getMany();
  }

  /** Ids among these that we already hold. */
  async existing(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows: { id: string }[] = await this.repo.query(
      `SELECT id FROM stripe_events WHERE id = ANY($1)`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Donor erasure, in the caller's transaction: stores the event's payload scrubbed again, and
   * an error text, if any, as the fact only (ERASED_ERROR).
   */
  async rewriteErased(
    em: EntityManager,
    id: string,
    scrubbedPayload: Record<string, unknown>,
  ): Promise<void> {
    await em.query(
      `UPDATE stripe_events SET payload = $2,
              last_error = CASE WHEN last_error IS NOT NULL THEN $3 ELSE last_error END
        WHERE id = $1`,
      [id, JSON.stringify(scrubbedPayload), ERASED_ERROR],
    );
  }
}
