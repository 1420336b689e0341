import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The three outboxes: work stored in Postgres and waiting for a worker. */
export const OUTBOXES = ['stripe_events', 'receipts', 'emails'] as const;
export type Outbox = (typeof OUTBOXES)[number];

export interface OutboxBacklog {
  outbox: Outbox;
  /** Rows still pending. */
  waiting: number;
  /** Seconds the oldest pending row has waited (0 when none). */
  oldestAgeSeconds: number;
}

/** Where each outbox keeps its pending rows: each is served by an index on (status, time). */
const PENDING: Record<Outbox, { table: string; status: string; since: string }> = {
  stripe_events: { table: 'stripe_events', status: 'status', since: 'received_at' },
  receipts: { table: 'receipts', status: 'send_status', since: 'issued_at' },
  emails: { table: 'outbound_emails', status: 'status', since: 'created_at' },
};

/**
 * Read-only view over the outboxes for operations: how much waits and for how long (metrics,
 * readiness), and which rows are stuck (self-repair). Cheap: each reads only pending rows,
 * through the (status, time) index its table has.
 */
@Injectable()
export class BacklogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async backlog(): Promise<OutboxBacklog[]> {
    const sql = OUTBOXES.map((outbox) => {
      const p = PENDING[outbox];
      return `SELECT '${outbox}' AS outbox, count(*)::int AS waiting,
                     coalesce(extract(epoch FROM now() - min(${p.since})), 0)::float8 AS oldest
                FROM ${p.table} WHERE ${p.status} = 'pending'`;
    }).join(' UNION ALL ');
    const rows: { outbox: Outbox; waiting: number; oldest: number }[] =
      await this.dataSource.query(sql);
    return rows.map((r) => ({
      outbox: r.outbox,
      waiting: Number(r.waiting),
      oldestAgeSeconds: Math.max(0, Math.floor(Number(r.oldest))),
    }));
  }

  /** Ids of rows of the outbox pending since before `olderThan`, oldest first. */
  async stuckIds(outbox: Outbox, olderThan: Date, limit: number): Promise<string[]> {
    const p = PENDING[outbox];
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM ${p.table} WHERE ${p.status} = 'pending' AND ${p.since} < $1
        ORDER BY ${p.since} LIMIT $2`,
      [olderThan, limit],
    );
    return rows.map((r) => String(r.id));
  }
}
