import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The outboxes: work stored in Postgres and waiting for a worker. */
export const OUTBOXES = ['stripe_events', 'receipts', 'emails', 'action_deliveries'] as const;
export type Outbox = (typeof OUTBOXES)[number];

export interface OutboxBacklog {
  outbox: Outbox;
  /** Rows still pending. */
  waiting: number;
  /** Seconds the oldest pending row has waited since it last became pending (0 when none). */
  oldestAgeSeconds: number;
}

/**
 * Where each outbox keeps its pending rows, and since when each waits: `pending_since`, set
 * when the row is written and again when it is resent, replayed or retried by hand (an old
 * receipt resent now has waited since now). Each is served by an index on (status, pending_since).
 */
const PENDING: Record<Outbox, { table: string; status: string }> = {
  stripe_events: { table: 'stripe_events', status: 'status' },
  receipts: { table: 'receipts', status: 'send_status' },
  emails: { table: 'outbound_emails', status: 'status' },
  action_deliveries: { table: 'action_deliveries', status: 'status' },
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
                     coalesce(extract(epoch FROM now() - min(pending_since)), 0)::float8 AS oldest
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

  /** Ids of rows of the outbox pending since before `olderThan`, longest waiting first. */
  async stuckIds(outbox: Outbox, olderThan: Date, limit: number): Promise<string[]> {
    const p = PENDING[outbox];
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM ${p.table} WHERE ${p.status} = 'pending' AND pending_since < $1
        ORDER BY pending_since LIMIT $2`,
      [olderThan, limit],
    );
    return rows.map((r) => String(r.id));
  }
}
