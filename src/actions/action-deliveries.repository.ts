import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { EntityManager, Repository } from 'typeorm';
import { Environment } from '../common/config/environment';
import { SQL_NEUTRALIZE } from '../common/csv/csv-safety';
import { lockFor } from '../common/database/locks';
import { OutboxTable, outboxLeaseMs } from '../common/outbox/outbox-table';
import { ActionDelivery } from './action-delivery.entity';

/** What a delivery's job reads: the delivery, its action, target and letter. */
export interface DeliveryRow {
  id: string;
  status: string;
  actionId: string;
  letterVersion: number;
  note: string | null;
  createdAt: Date;
  actionTitle: string;
  targetName: string;
  targetEmail: string;
  campaignTitle: string;
}

export interface SignerRow {
  name: string;
  country: string;
  comment: string | null;
  letterVersion: number;
}

export interface LetterRow {
  version: number;
  subject: string;
  body: string;
}

/** An action whose deliveries are scheduled. */
export interface ScheduledAction {
  id: string;
  deliveryCron: string;
}

/** The action a staff route names, with what its routes need. */
export interface ActionRef {
  id: string;
  slug: string;
  campaignSlug: string;
  letterVersion: number;
}

@Injectable()
export class ActionDeliveriesRepository {
  /**
   * Sending a delivery once: its claim, status and tries. A failed delivery retried by hand
   * (the queue dashboard) is sent again.
   */
  readonly outbox: OutboxTable;

  constructor(
    @InjectRepository(ActionDelivery) private readonly repo: Repository<ActionDelivery>,
    env: Environment,
  ) {
    this.outbox = new OutboxTable(
      repo.manager.connection,
      {
        table: 'action_deliveries',
        statusColumn: 'status',
        doneAtColumn: 'sent_at',
        pendingSince: true,
        reopenFailed: { noun: 'action delivery', idKey: 'deliveryId' },
      },
      outboxLeaseMs(env),
    );
  }

  get manager(): EntityManager {
    return this.repo.manager;
  }

  async action(id: string, em: EntityManager = this.repo.manager): Promise<ActionRef | null> {
    const rows: ActionRef[] = await em.query(
      `SELECT a.id, a.slug, c.slug AS "campaignSlug", a.letter_version AS "letterVersion"
         FROM actions a JOIN campaigns c ON c.id = a.campaign_id WHERE a.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  findById(id: string, em: EntityManager = this.repo.manager): Promise<ActionDelivery | null> {
    return em.findOne(ActionDelivery, { where: { id } });
  }

  findByKey(key: string, em: EntityManager = this.repo.manager): Promise<ActionDelivery | null> {
    return em.findOne(ActionDelivery, { where: { idempotencyKey: key } });
  }

  listForAction(actionId: string): Promise<ActionDelivery[]> {
    return this.repo.find({ where: { actionId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /**
   * In the caller's transaction, one delivery at a time per action (its advisory lock): a
   * pending delivery of every confirmed signature of the action that no delivery carries yet
   * (confirmed at `upTo` or before, when given), with their count and the window of their
   * confirmation times. Null, and nothing written, when there is none.
   */
  async create(
    em: EntityManager,
    input: { id: string; actionId: string; key: string; note: string | null; upTo: Date | null },
  ): Promise<string | null> {
    await lockFor(em, `action-deliveries:${input.actionId}`);
    const undelivered = `FROM signatures s
        WHERE s.action_id = $1 AND s.status = 'confirmed'
          AND ($2::timestamptz IS NULL OR s.confirmed_at <= $2)
          AND NOT EXISTS (SELECT 1 FROM action_delivery_signatures x WHERE x.signature_id = s.id)`;
    const [waiting]: { n: number; lo: Date | null; hi: Date | null }[] = await em.query(
      `SELECT count(*)::int AS n, min(s.confirmed_at) AS lo, max(s.confirmed_at) AS hi ${undelivered}`,
      [input.actionId, input.upTo],
    );
    if (!waiting.n) return null;
    const { id } = input;
    await em.query(
      `INSERT INTO action_deliveries (id, action_id, idempotency_key, status, signatures,
                                      confirmed_from, confirmed_to, letter_version, note,
                                      target_name, target_email)
       SELECT $7, a.id, $2, 'pending', $3, $4, $5, a.letter_version, $6, a.target_name, a.target_email
         FROM actions a WHERE a.id = $1`,
      [input.actionId, input.key, waiting.n, waiting.lo, waiting.hi, input.note, id],
    );
    await em.query(
      `INSERT INTO action_delivery_signatures (delivery_id, signature_id) SELECT $3, s.id ${undelivered}`,
      [input.actionId, input.upTo, id],
    );
    return id;
  }

  async deliveryRow(id: string, em: EntityManager): Promise<DeliveryRow | null> {
    const rows: DeliveryRow[] = await em.query(
      `SELECT d.id, d.status, d.action_id AS "actionId", d.letter_version AS "letterVersion",
              d.note, d.created_at AS "createdAt", a.title AS "actionTitle",
              d.target_name AS "targetName", d.target_email AS "targetEmail",
              c.title AS "campaignTitle"
         FROM action_deliveries d JOIN actions a ON a.id = d.action_id
         JOIN campaigns c ON c.id = a.campaign_id
        WHERE d.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * The signers a delivery carries, in the order they confirmed: only those still confirmed
   * (one who withdrew since is left out) and not erased. Never an email address.
   */
  signers(deliveryId: string, em: EntityManager): Promise<SignerRow[]> {
    return em.query(
      `SELECT s.name, s.country, s.comment, s.letter_version AS "letterVersion"
         FROM action_delivery_signatures x JOIN signatures s ON s.id = x.signature_id
         LEFT JOIN donors dn ON dn.id = s.donor_id
        WHERE x.delivery_id = $1 AND s.status = 'confirmed' AND dn.erased_at IS NULL
        ORDER BY s.confirmed_at, s.id`,
      [deliveryId],
    );
  }

  letters(actionId: string, versions: number[], em: EntityManager): Promise<LetterRow[]> {
    return em.query(
      `SELECT version, subject, body FROM action_letters WHERE action_id = $1 AND version = ANY($2::int[])`,
      [actionId, versions],
    );
  }

  /** What the delivery finally carries (signers who withdrew before it was sent left out). */
  async recordCount(id: string, signatures: number, em: EntityManager): Promise<void> {
    await em.query(`UPDATE action_deliveries SET signatures = $2 WHERE id = $1`, [id, signatures]);
  }

  /** Active actions with a delivery schedule. */
  scheduledActions(): Promise<ScheduledAction[]> {
    return this.repo.manager.query(
      `SELECT id, delivery_cron AS "deliveryCron" FROM actions
        WHERE status = 'active' AND delivery_cron IS NOT NULL AND delivery_cron <> ''`,
    );
  }

  /**
   * The action's signatures for staff, as CSV formatted by Postgres (`COPY … TO STDOUT`) on a
   * connection of its own, released when the stream closes: confirmed and withdrawn ones (never
   * pending), never an email address; a withdrawn one as `(withdrawn)` without country,
   * comment or display name; text a signer typed neutralised against formulas.
   */
  async copySignaturesCsv(actionId: string, timeZone: string): Promise<Readable> {
    const runner = this.repo.manager.connection.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      const [id, zone] = [actionId, timeZone].map((v) => client.escapeLiteral(v));
      const day = (column: string) => `to_char(${column} AT TIME ZONE ${zone}, 'YYYY-MM-DD')`;
      // A withdrawn signer's text is not shown (withdrawal keeps only what a delivery carried).
      const shown = (column: string) =>
        `CASE WHEN s.status = 'withdrawn' THEN NULL ELSE ${SQL_NEUTRALIZE(column)} END`;
      const select = `SELECT s.id AS signature_id, s.status,
            CASE WHEN s.status = 'withdrawn' THEN '(withdrawn)' ELSE ${SQL_NEUTRALIZE('s.name')} END AS name,
            CASE WHEN s.status = 'withdrawn' THEN NULL ELSE s.country END AS country,
            ${shown('s.comment')} AS comment, s.public,
            ${shown('s.display_name')} AS display_name, s.letter_version,
            ${day('s.confirmed_at')} AS confirmed_on, ${day('s.withdrawn_at')} AS withdrawn_on
          FROM signatures s LEFT JOIN donors dn ON dn.id = s.donor_id
         WHERE s.action_id = ${id} AND s.status IN ('confirmed', 'withdrawn')
           AND dn.erased_at IS NULL
         ORDER BY s.confirmed_at, s.id`;
      const source = client.query(
        copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`),
      );
      source.once('close', () => void runner.release());
      return source;
    } catch (error) {
      await runner.release();
      throw error;
    }
  }
}
