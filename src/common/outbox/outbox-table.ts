import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { withSessionLock } from '../database/locks';
import { errorSummary, scrubbedError } from '../errors/describe-error';
import { isFinalAttempt } from '../queue/job-runner';

/**
 * One outbox table, as its owning repository describes it. Every outbox row has an `id`, a
 * status (`pending` while it waits, `failed` once its tries are used up, and done values of its
 * own), `attempts` and `last_error`. Names below are SQL, written by the owner, never input.
 */
export interface OutboxTableConfig {
  /** `receipts`. */
  table: string;
  /** The row's advisory lock is `<lockPrefix>:<id>`: `receipt`. */
  lockPrefix: string;
  /** `status`, or `send_status`. */
  statusColumn: string;
  /** Stamped when the row is done: `sent_at`, `processed_at`. */
  doneAtColumn: string;
  /**
   * Whether the table keeps `pending_since` (when the row last became pending): only such a
   * table can be swept or reset, and a reopened row's wait starts again there.
   */
  pendingSince: boolean;
  /**
   * A row a job finds `failed` was retried by hand (the queue dashboard): automatic tries run
   * while it is pending, and the sweepers revive only pending rows. With `reopenFailed` it goes
   * back to pending first (its error cleared, its pending_since now), unless `only`, a condition
   * on the row, excludes it; this is logged as "failed <noun> retried by hand", with the id
   * under `idKey`. Without `reopenFailed` it is worked on as it stands.
   */
  reopenFailed?: { noun: string; idKey: string; only?: string };
  /** SET clauses of the table's own, written in the same UPDATE as the done marker. */
  alsoWhenDone?: string;
  /** Columns a reset (a replay, a resend) clears as well. */
  clearOnReset?: string[];
}

/** How the work on a row ended, when it did not throw. */
export type OutboxOutcome<Done extends string, Answer extends string> =
  /** Done: the row gets this status, and `note` (or nothing) as its last error. */
  | { done: Done; note?: string | null }
  /** Nothing that a retry would change (no address left): failed for good, for this reason. */
  | { gaveUp: Answer; reason: string };

/** One job's part: how to read the row, do its work and count what happened. */
export interface OutboxJob<Row, Done extends string, Answer extends string> {
  /** The caller's logger, so its lines keep their context. */
  logger: Logger;
  /** Reads the row through the lock's connection; null when there is none. */
  read(em: EntityManager): Promise<Row | null>;
  status(row: Row): string;
  /** What the job answers for a row it leaves alone (done already, suppressed, given up). */
  settled(status: string): Answer;
  /** The work, on the lock's connection. Throwing records a failed try, then rethrows. */
  work(row: Row, em: EntityManager): Promise<OutboxOutcome<Done, Answer>>;
  /** A failure no retry will change (an SMTP 5xx): final at once, and BullMQ stops retrying. */
  permanent?(error: unknown): boolean;
  /** Counts the outcome (metrics). */
  onDone?(row: Row, status: Done): void;
  onFailed?(row: Row, final: boolean): void;
}

/**
 * The life cycle every outbox repeats (Stripe events, receipts, statements, emails), with its
 * SQL. A job takes the row's session advisory lock (one worker at a time; a job finding it taken
 * answers `in-progress` and does nothing: the holder finishes the row, or fails and retries),
 * reads the row, leaves a done one alone, reopens a failed one retried by hand, does the work,
 * and marks the row done or records the failed try (`failed` on the last one, for staff). The
 * sweeper re-enqueues rows pending for longer than one interval; a replay or resend resets a
 * row to pending. The work itself, and the table's other SQL, stay with the owning module.
 */
export class OutboxTable {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: OutboxTableConfig,
  ) {}

  /** Runs the job on row `id`: `missing` when there is none, `in-progress` when it is locked. */
  async run<Row, Done extends string, Answer extends string>(
    id: string,
    job: Job,
    steps: OutboxJob<Row, Done, Answer>,
  ): Promise<Done | Answer | 'missing' | 'in-progress'> {
    const locked = await withSessionLock(this.dataSource, `${this.config.lockPrefix}:${id}`, (em) =>
      this.runLocked(em, id, job, steps),
    );
    return locked ? locked.result : 'in-progress';
  }

  private async runLocked<Row, Done extends string, Answer extends string>(
    em: EntityManager,
    id: string,
    job: Job,
    steps: OutboxJob<Row, Done, Answer>,
  ): Promise<Done | Answer | 'missing'> {
    const row = await steps.read(em);
    if (!row) return 'missing';
    let status = steps.status(row);
    const reopen = this.config.reopenFailed;
    if (status === 'failed') {
      if (!reopen) status = 'pending';
      else if (await this.reopen(em, id, reopen.only)) {
        steps.logger.log(
          { [reopen.idKey]: id, jobId: job.id },
          `failed ${reopen.noun} retried by hand: sending it`,
        );
        status = 'pending';
      }
    }
    if (status !== 'pending') return steps.settled(status);
    let outcome: OutboxOutcome<Done, Answer>;
    try {
      outcome = await steps.work(row, em);
    } catch (error) {
      const permanent = steps.permanent?.(error) ?? false;
      const final = permanent || isFinalAttempt(job);
      await this.markFailed(em, id, errorSummary(error), final);
      steps.onFailed?.(row, final);
      throw permanent ? scrubbedError(error, { unrecoverable: true }) : error;
    }
    if ('gaveUp' in outcome) {
      await this.markFailed(em, id, outcome.reason, true);
      steps.onFailed?.(row, true);
      return outcome.gaveUp;
    }
    await this.markDone(em, id, outcome.done, outcome.note ?? null);
    steps.onDone?.(row, outcome.done);
    return outcome.done;
  }

  /**
   * Back to pending for a replay or a resend: its wait (pending_since) starts again now. False
   * when there is no such row.
   */
  async reset(id: string): Promise<boolean> {
    const { table, statusColumn, clearOnReset = [] } = this.withPendingSince('reset');
    const cleared = clearOnReset.map((column) => `, ${column} = NULL`).join('');
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE ${table} SET ${statusColumn} = 'pending', pending_since = now()${cleared} WHERE id = $1`,
      [id],
    );
    return affected > 0;
  }

  /**
   * Enqueues the rows pending for longer than one sweep interval (stored while Redis was down,
   * or whose job was lost; younger ones may still be on their way through the queue), the
   * longest waiting first. Returns how many were enqueued.
   */
  async sweep(
    intervalMs: number,
    limit: number,
    enqueue: (id: string) => Promise<boolean>,
  ): Promise<number> {
    const { table, statusColumn } = this.withPendingSince('sweep');
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM ${table} WHERE ${statusColumn} = 'pending' AND pending_since < $1
        ORDER BY pending_since LIMIT $2`,
      [new Date(Date.now() - intervalMs), limit],
    );
    let enqueued = 0;
    for (const { id } of rows) if (await enqueue(id)) enqueued += 1;
    return enqueued;
  }

  /** A failed row back to pending: true when it was failed (and may be reopened). */
  private async reopen(em: EntityManager, id: string, only?: string): Promise<boolean> {
    const { table, statusColumn, pendingSince } = this.config;
    const [, affected]: [unknown, number] = await em.query(
      `UPDATE ${table} SET ${statusColumn} = 'pending',${pendingSince ? ' pending_since = now(),' : ''} last_error = NULL
        WHERE id = $1 AND ${statusColumn} = 'failed'${only ? ` AND (${only})` : ''}`,
      [id],
    );
    return affected > 0;
  }

  private async markDone(
    em: EntityManager,
    id: string,
    status: string,
    note: string | null,
  ): Promise<void> {
    const { table, statusColumn, doneAtColumn, alsoWhenDone } = this.config;
    await em.query(
      `UPDATE ${table} SET ${statusColumn} = $2, ${doneAtColumn} = now(), attempts = attempts + 1,
              last_error = $3${alsoWhenDone ? `, ${alsoWhenDone}` : ''}
        WHERE id = $1`,
      [id, status, note],
    );
  }

  /**
   * A failed try: one more attempt, and why (reduced by errorSummary, never an SMTP recipient
   * or a query parameter); `final` when retries are used up, which is when staff must look.
   */
  private async markFailed(
    em: EntityManager,
    id: string,
    reason: string,
    final: boolean,
  ): Promise<void> {
    const { table, statusColumn } = this.config;
    await em.query(
      `UPDATE ${table} SET attempts = attempts + 1, last_error = $2,
              ${statusColumn} = CASE WHEN $3::boolean THEN 'failed' ELSE ${statusColumn} END
        WHERE id = $1`,
      [id, reason.slice(0, 2000), final],
    );
  }

  private withPendingSince(what: string): OutboxTableConfig {
    if (!this.config.pendingSince) {
      throw new Error(`${this.config.table} keeps no pending_since: it cannot ${what}`);
    }
    return this.config;
  }
}
