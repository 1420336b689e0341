import { Injectable, Logger } from '@nestjs/common';
import { SignaturesService } from '../actions/signatures.service';
import { Environment } from '../common/config/environment';
import { IdempotencyService } from '../common/database/idempotency.service';
import { JobName } from '../common/queue/job-catalogue';
import { QueueService } from '../common/queue/queue.service';
import { LedgerService } from '../ledger/ledger.service';
import { MetricsService } from '../metrics/metrics.service';
import { EventInboxService } from '../stripe/events/event-inbox.service';
import { StripeEventsService } from '../stripe/events/stripe-events.service';
import { BacklogRepository, Outbox } from './backlog.repository';
import { MaintenanceTask, RunFindings, RunStatus } from './maintenance-run.entity';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';
import { errorSummary } from '../common/errors/describe-error';

export interface RunOutcome {
  runId: string | null;
  status: Exclude<RunStatus, 'running'>;
  findings: RunFindings;
}

/** Drift rows kept in a run's findings (campaign ids and sums only); the count is always exact. */
const MAX_DRIFT_ROWS = 50;
/** Stuck rows looked at per outbox and run; the next run takes the rest. */
const MAX_STUCK_PER_OUTBOX = 500;
/** A run still `running` after this long, when a worker starts, was interrupted. */
const INTERRUPTED_AFTER_MS = 3600_000;
/** Runs are kept this long (each task's last successful one always); retry-stuck deletes older ones. */
export const RUN_RETENTION_DAYS = 90;
/** A job in one of these states will still run: re-enqueueing it would only run it twice. */
const IN_FLIGHT = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Each outbox's job and the stable job id its producer uses (`EventInboxService.enqueue`,
 * `ReceiptsService.enqueue`, `MailService.enqueue`), to tell a stuck row from a queued one.
 * Retry-stuck's own job for a row is `<that id>-retry`: one id per row, so runs never pile up
 * jobs for the same row. (Not `:retry`: BullMQ refuses a custom id with exactly one colon.)
 */
const OUTBOX_JOBS: Record<Outbox, { job: JobName; jobId: (id: string) => string }> = {
  stripe_events: { job: 'stripe-event.process', jobId: (id) => id },
  receipts: { job: 'receipt.send', jobId: (id) => `receipt-${id}` },
  emails: { job: 'email.send', jobId: (id) => `email-${id}` },
  action_deliveries: { job: 'action-delivery.send', jobId: (id) => `action-delivery-${id}` },
};

/**
 * The self-repair tasks the worker runs on schedule (or when an operator asks): each run
 * holds its task's advisory lock, so one runs at a time across workers (a concurrent one is
 * recorded `skipped`), and writes a `maintenance_runs` row saying what it found.
 */
@Injectable()
export class MaintenanceTasksService {
  private readonly logger = new Logger(MaintenanceTasksService.name);

  constructor(
    private readonly env: Environment,
    private readonly runs: MaintenanceRunsRepository,
    private readonly backlog: BacklogRepository,
    private readonly stripeEvents: StripeEventsService,
    private readonly inbox: EventInboxService,
    private readonly ledger: LedgerService,
    private readonly queues: QueueService,
    private readonly metrics: MetricsService,
    private readonly idempotency: IdempotencyService,
    private readonly signatures: SignaturesService,
  ) {}

  /** Runs the task once; throws (after recording the failed run) so the job retries. */
  async run(task: MaintenanceTask, trigger: string): Promise<RunOutcome> {
    const locked = await this.runs.whileLocked(task, async () => {
      const runId = await this.runs.start(task, trigger);
      try {
        const { status, findings } = await this.perform(task);
        await this.runs.finish(runId, { status, findings });
        this.metrics.maintenanceRuns.inc({ task, status });
        const log = { task, trigger, runId, findings };
        if (status === 'alert') this.logger.warn(log, `maintenance ${task}: alert`);
        else this.logger.log(log, `maintenance ${task}: ok`);
        return { runId, status, findings };
      } catch (error) {
        const message = errorSummary(error).slice(0, 500);
        await this.runs
          .finish(runId, { status: 'failed', findings: {}, error: message })
          .catch(() => undefined);
        this.metrics.maintenanceRuns.inc({ task, status: 'failed' });
        this.logger.error({ task, trigger, runId, err: message }, `maintenance ${task} failed`);
        throw error;
      }
    });
    if (locked) return locked.result;
    await this.runs.skipped(task, trigger);
    this.metrics.maintenanceRuns.inc({ task, status: 'skipped' });
    this.logger.log({ task, trigger }, `maintenance ${task}: skipped, another run holds it`);
    return { runId: null, status: 'skipped', findings: {} };
  }

  /**
   * At worker start: runs left `running` for over an hour were cut off (their worker crashed or
   * was killed) and would stay `running` for ever; they are recorded failed, `interrupted`.
   */
  async failInterruptedRuns(): Promise<void> {
    const failed = await this.runs.failInterrupted(new Date(Date.now() - INTERRUPTED_AFTER_MS));
    if (failed) this.logger.warn({ failed }, 'maintenance runs interrupted earlier: marked failed');
  }

  private perform(task: MaintenanceTask): Promise<Omit<RunOutcome, 'runId'>> {
    switch (task) {
      case 'stripe-sync':
        return this.stripeSync();
      case 'reconcile':
        return this.reconcile();
      case 'retry-stuck':
        return this.retryStuck();
    }
  }

  /** Webhooks lost in transit: Stripe's recent events we never stored are stored and processed. */
  private async stripeSync(): Promise<Omit<RunOutcome, 'runId'>> {
    const since = new Date(Date.now() - this.env.MAINTENANCE_STRIPE_SYNC_LOOKBACK_HOURS * 3600_000);
    const { seen, stored } = await this.stripeEvents.syncSince(since);
    return {
      status: 'ok',
      findings: { since: since.toISOString(), eventsSeen: seen, eventsRecovered: stored },
    };
  }

  /** Campaign totals against the ledger; any difference is an alert (repair: `reconcile --fix`). */
  private async reconcile(): Promise<Omit<RunOutcome, 'runId'>> {
    const drift = await this.ledger.reconcile(false);
    return {
      status: drift.length ? 'alert' : 'ok',
      findings: {
        driftRows: drift.length,
        drift: drift.slice(0, MAX_DRIFT_ROWS),
        ...(drift.length ? { repair: 'npm run cli -- reconcile --fix' } : {}),
      },
    };
  }

  /**
   * Rows pending longer than MAINTENANCE_STUCK_AFTER_MINUTES (since they last became pending)
   * whose jobs are gone, finished or failed (the sweepers cannot help those: their stable job id
   * still exists) get a retry job, under one id per row: a finished retry job of an earlier run
   * is removed first, and a row whose first or retry job is still queued or running is left to
   * it. Any other job still around for the row (a resend, a replay) cannot send twice either:
   * a sender claims the row first (see `OutboxTable`) and sends only what is still pending.
   * Then runs older than RUN_RETENTION_DAYS are deleted, Idempotency-Keys whose 24 hours are
   * over, signatures whose confirmation link expired unused, and the addresses and bodies of
   * confirmation emails whose link has expired.
   */
  private async retryStuck(): Promise<Omit<RunOutcome, 'runId'>> {
    const olderThan = new Date(Date.now() - this.env.MAINTENANCE_STUCK_AFTER_MINUTES * 60_000);
    const findings: RunFindings = {};
    for (const outbox of Object.keys(OUTBOX_JOBS) as Outbox[]) {
      const { job, jobId } = OUTBOX_JOBS[outbox];
      const ids = await this.backlog.stuckIds(outbox, olderThan, MAX_STUCK_PER_OUTBOX);
      const counts = { stuck: ids.length, inFlight: 0, retried: 0 };
      for (const id of ids) {
        const first = jobId(id);
        const retry = `${first}-retry`;
        const states = await Promise.all([
          this.queues.jobState(job, first),
          this.queues.jobState(job, retry),
        ]);
        if (states.some((state) => IN_FLIGHT.has(state))) {
          counts.inFlight += 1;
          continue;
        }
        // Completed or failed: BullMQ would ignore a new job under its id while it is kept.
        if (states[1] !== 'unknown') await this.queues.removeJob(job, retry);
        if (await this.retry(outbox, id, retry)) counts.retried += 1;
      }
      findings[outbox] = counts;
    }
    const before = new Date(Date.now() - RUN_RETENTION_DAYS * 86_400_000);
    findings.runsDeleted = await this.runs.purgeStartedBefore(before);
    findings.idempotencyKeysExpired = await this.idempotency.pruneExpired();
    // An address nobody confirmed is not kept once its link has expired.
    const purged = await this.signatures.purgeUnconfirmed();
    findings.unconfirmedSignaturesDeleted = purged.signatures;
    findings.confirmationEmailsCleared = purged.emails;
    return { status: 'ok', findings };
  }

  private async retry(outbox: Outbox, id: string, jobId: string): Promise<boolean> {
    switch (outbox) {
      case 'stripe_events':
        return this.inbox.enqueue(id, jobId);
      case 'receipts':
        return this.queues.tryEnqueue('receipt.send', { receiptId: id }, { jobId });
      case 'emails':
        return this.queues.tryEnqueue('email.send', { emailId: id }, { jobId });
      case 'action_deliveries':
        return this.queues.tryEnqueue('action-delivery.send', { deliveryId: id }, { jobId });
    }
  }
}
