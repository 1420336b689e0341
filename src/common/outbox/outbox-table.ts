import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { Environment } from '../config/environment';
import { errorSummary, scrubbedError } from '../errors/describe-error';
import { isFinalAttempt } from '../queue/job-runner';

/**
 * One outbox table, as its owning repository describes it. Every outbox row has an `id`, a
 * status (`pending` while it waits, `failed` once its tries are used up, and done values of its
 * own), `attempts`, `last_error`, and the claim of the job working on it (`claimed_until`,
 * `claim_token`). Names below are SQL, written by the owner, never input.
 */
export interface OutboxTableConfig {
  /** `receipts`. */
  table: string;
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
  /**
   * Reads the row; null when there is none. `em` is the data source's own manager: each query
   * borrows a pooled connection for itself (no connection is held for the job).
   */
  read(em: EntityManager): Promise<Row | null>;
  status(row: Row): string;
  /** What the job answers for a row it leaves alone (done already, suppressed, given up). */
  settled(status: string): Answer;
  /**
   * The work, while the job holds the row's claim. Throwing records a failed try, then rethrows.
   * `em` is the data source's manager, as for `read`: writes that must go together need a
   * transaction of their own, kept short (never open while Stripe or SMTP answers).
   */
  work(row: Row, em: EntityManager): Promise<OutboxOutcome<Done, Answer>>;
  /** A failure no retry will change (an SMTP 5xx): final at once, and BullMQ stops retrying. */
  permanent?(error: unknown): boolean;
  /** Counts the outcome (metrics). */
  onDone?(row: Row, status: Done): void;
  onFailed?(row: Row, final: boolean): void;
}

/**
 * How long a job's claim on an outbox row lasts unless renewed: half of WORKER_LOCK_DURATION_MS
 * (15 s by default), renewed every third of that (5 s) while the work runs.
 *
 * BullMQ renews its own lock on a running job every half of WORKER_LOCK_DURATION_MS, so when a
 * worker dies its jobs' locks expire between a half and a whole lock duration later, and only
 * then does BullMQ find them stalled and run them again. A claim renewed every sixth of that
 * duration expires between a third and a half of it after the death: always first. The job
 * BullMQ runs again therefore finds the row free and takes it over, rather than answering
 * `in-progress` for a holder that is gone. Two missed renewals in a row (a slow database, an
 * event loop held for 10 s) still keep the claim.
 */
export function outboxLeaseMs(env: Pick<Environment, 'WORKER_LOCK_DURATION_MS'>): number {
  return Math.floor(env.WORKER_LOCK_DURATION_MS / 2);
}

/** Whether the job still holds its claim when it records the outcome. */
type Finish = 'recorded' | 'claim-lost';

/**
 * The life cycle every outbox repeats (Stripe events, receipts, statements, emails), with its
 * SQL. A job claims the row for a while (a lease: `claimed_until`, and a `claim_token` of its
 * own), in one short UPDATE that succeeds only on a pending or failed row that no one else
 * holds; a job finding it held answers `in-progress` and does nothing (the holder finishes the
 * row, or fails and retries). Then, holding no database connection (each query borrows one from
 * the pool for itself, so jobs in flight are not bound by the pool's size), it reads the row,
 * reopens a failed one retried by hand, does the work while a timer renews the claim, and marks
 * the row done or records the failed try (`failed` on the last one, for staff), clearing the
 * claim in the same UPDATE. Every write after the claim names the job's token: a job whose
 * claim expired and was taken over (it stalled longer than the lease) records nothing, and the
 * new holder's outcome stands. A job that dies leaves its claim until the lease runs out; then
 * BullMQ's rerun of the stalled job, a retry or the sweeper takes the row over.
 *
 * A done row (or one already given up) is left alone: its status answers. The sweeper
 * re-enqueues rows pending for longer than one interval; a replay or resend resets a row to
 * pending. The work itself, and the table's other SQL, stay with the owning module.
 */
export class OutboxTable {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: OutboxTableConfig,
    /** How long a claim lasts unless renewed: `outboxLeaseMs(env)`. */
    private readonly leaseMs: number,
  ) {}

  /**
   * Runs the job on row `id`: `missing` when there is none, `in-progress` when another job holds
   * it (or took it over from this one while it worked).
   */
  async run<Row, Done extends string, Answer extends string>(
    id: string,
    job: Job,
    steps: OutboxJob<Row, Done, Answer>,
  ): Promise<Done | Answer | 'missing' | 'in-progress'> {
    const em = this.dataSource.manager;
    const token = randomUUID();
    if (!(await this.claim(id, token))) {
      // Not claimed: there is no such row, it is done, or another job holds it.
      const row = await steps.read(em);
      if (!row) return 'missing';
      const status = steps.status(row);
      return status === 'pending' || status === 'failed' ? 'in-progress' : steps.settled(status);
    }
    // Finished: the outcome's UPDATE cleared the claim (or found it taken over). Otherwise the
    // claim is given up at the end, without an outcome.
    const claim = { finished: false };
    const renewal = this.renewWhileWorking(id, token, steps.logger, job);
    try {
      return await this.runClaimed(em, id, token, claim, job, steps);
    } finally {
      renewal.stop();
      if (!claim.finished) await this.release(id, token, steps.logger, job);
    }
  }

  private async runClaimed<Row, Done extends string, Answer extends string>(
    em: EntityManager,
    id: string,
    token: string,
    claim: { finished: boolean },
    job: Job,
    steps: OutboxJob<Row, Done, Answer>,
  ): Promise<Done | Answer | 'missing' | 'in-progress'> {
    const row = await steps.read(em);
    if (!row) return 'missing';
    let status = steps.status(row);
    const reopen = this.config.reopenFailed;
    if (status === 'failed') {
      if (!reopen) status = 'pending';
      else if (await this.reopen(id, token, reopen.only)) {
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
      const finish = await this.markFailed(id, token, errorSummary(error), final);
      claim.finished = true;
      if (finish === 'claim-lost') return this.claimLost(id, job, steps, errorSummary(error));
      steps.onFailed?.(row, final);
      throw permanent ? scrubbedError(error, { unrecoverable: true }) : error;
    }
    if ('gaveUp' in outcome) {
      const finish = await this.markFailed(id, token, outcome.reason, true);
      claim.finished = true;
      if (finish === 'claim-lost') return this.claimLost(id, job, steps);
      steps.onFailed?.(row, true);
      return outcome.gaveUp;
    }
    const finish = await this.markDone(id, token, outcome.done, outcome.note ?? null);
    claim.finished = true;
    if (finish === 'claim-lost') return this.claimLost(id, job, steps);
    steps.onDone?.(row, outcome.done);
    return outcome.done;
  }

  /**
   * The job worked longer than its lease without renewing it, and another job took the row over:
   * that job's outcome is the row's, and this one's (done or failed) is not recorded.
   */
  private claimLost<Row, Done extends string, Answer extends string>(
    id: string,
    job: Job,
    steps: OutboxJob<Row, Done, Answer>,
    error?: string,
  ): 'in-progress' {
    steps.logger.warn(
      { table: this.config.table, id, jobId: job.id, ...(error ? { err: error } : {}) },
      'outbox claim taken over while the job worked: its outcome is left to the new holder',
    );
    return 'in-progress';
  }

  /** One short UPDATE: true when this job now holds the row. */
  private async claim(id: string, token: string): Promise<boolean> {
    const { table, statusColumn } = this.config;
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE ${table} SET claimed_until = now() + $3 * interval '1 millisecond', claim_token = $2
        WHERE id = $1 AND ${statusColumn} IN ('pending', 'failed')
          AND (claimed_until IS NULL OR claimed_until < now())`,
      [id, token, this.leaseMs],
    );
    return affected > 0;
  }

  /**
   * Pushes the claim's end a lease ahead every third of a lease, until stopped. A renewal that
   * finds the claim gone (taken over) stops renewing; one that fails (the database away) is
   * logged and tried again at the next tick.
   */
  private renewWhileWorking(id: string, token: string, logger: Logger, job: Job): { stop(): void } {
    const { table } = this.config;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const renew = async () => {
      try {
        const [, affected]: [unknown, number] = await this.dataSource.query(
          `UPDATE ${table} SET claimed_until = now() + $3 * interval '1 millisecond'
            WHERE id = $1 AND claim_token = $2`,
          [id, token, this.leaseMs],
        );
        if (!affected) {
          if (!stopped) {
            logger.warn(
              { table, id, jobId: job.id },
              'outbox claim taken over while the job worked: it stops renewing it',
            );
          }
          return;
        }
      } catch (error) {
        if (!stopped) {
          logger.warn(
            { table, id, jobId: job.id, err: errorSummary(error) },
            'could not renew the outbox claim: trying again',
          );
        }
      }
      if (!stopped) timer = setTimeout(() => void renew(), every).unref();
    };
    const every = Math.max(1, Math.floor(this.leaseMs / 3));
    timer = setTimeout(() => void renew(), every).unref();
    return {
      stop: () => {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  /**
   * Gives the claim up without an outcome (a row left alone, a read that threw). Best effort: a
   * claim that could not be cleared ends with its lease.
   */
  private async release(id: string, token: string, logger: Logger, job: Job): Promise<void> {
    try {
      await this.dataSource.query(
        `UPDATE ${this.config.table} SET claimed_until = NULL, claim_token = NULL
          WHERE id = $1 AND claim_token = $2`,
        [id, token],
      );
    } catch (error) {
      logger.warn(
        { table: this.config.table, id, jobId: job.id, err: errorSummary(error) },
        'could not release the outbox claim: it ends with its lease',
      );
    }
  }

  /**
   * Back to pending for a replay or a resend: its wait (pending_since) starts again now. False
   * when there is no such row.
   *
   * A claim is left as it is. A job working on the row right now goes on and records its
   * outcome, and the reset's own job answers `in-progress`, as for any held row: clearing
   * the claim would let the reset's job work beside the live holder (two sends at once) and
   * drop the holder's outcome. A claim whose holder died ends with its lease, and the row,
   * pending, is taken by the next job for it (BullMQ's rerun of the stalled one, the sweeper).
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
  private async reopen(id: string, token: string, only?: string): Promise<boolean> {
    const { table, statusColumn, pendingSince } = this.config;
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE ${table} SET ${statusColumn} = 'pending',${pendingSince ? ' pending_since = now(),' : ''} last_error = NULL
        WHERE id = $1 AND claim_token = $2 AND ${statusColumn} = 'failed'${only ? ` AND (${only})` : ''}`,
      [id, token],
    );
    return affected > 0;
  }

  /** Done, and the claim cleared: only while this job still holds it. */
  private async markDone(
    id: string,
    token: string,
    status: string,
    note: string | null,
  ): Promise<Finish> {
    const { table, statusColumn, doneAtColumn, alsoWhenDone } = this.config;
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE ${table} SET ${statusColumn} = $3, ${doneAtColumn} = now(), attempts = attempts + 1,
              last_error = $4, claimed_until = NULL, claim_token = NULL${alsoWhenDone ? `, ${alsoWhenDone}` : ''}
        WHERE id = $1 AND claim_token = $2`,
      [id, token, status, note],
    );
    return affected > 0 ? 'recorded' : 'claim-lost';
  }

  /**
   * A failed try: one more attempt, and why (reduced by errorSummary, never an SMTP recipient
   * or a query parameter); `final` when retries are used up, which is when staff must look.
   * The claim is cleared, so that the retry finds the row free; only while this job holds it.
   */
  private async markFailed(
    id: string,
    token: string,
    reason: string,
    final: boolean,
  ): Promise<Finish> {
    const { table, statusColumn } = this.config;
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE ${table} SET attempts = attempts + 1, last_error = $3,
              ${statusColumn} = CASE WHEN $4::boolean THEN 'failed' ELSE ${statusColumn} END,
              claimed_until = NULL, claim_token = NULL
        WHERE id = $1 AND claim_token = $2`,
      [id, token, reason.slice(0, 2000), final],
    );
    return affected > 0 ? 'recorded' : 'claim-lost';
  }

  private withPendingSince(what: string): OutboxTableConfig {
    if (!this.config.pendingSince) {
      throw new Error(`${this.config.table} keeps no pending_since: it cannot ${what}`);
    }
    return this.config;
  }
}
