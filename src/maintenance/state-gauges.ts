import { Injectable, OnModuleInit } from '@nestjs/common';
import { QUEUE_NAMES } from '../common/queue/job-catalogue';
import { QueueService } from '../common/queue/queue.service';
import { LedgerService } from '../ledger/ledger.service';
import { MetricsService } from '../metrics/metrics.service';
import { BacklogRepository, OutboxBacklog } from './backlog.repository';
import { LatestRuns, MaintenanceRunsRepository } from './maintenance-runs.repository';

const QUEUE_STATES = ['waiting', 'active', 'failed', 'delayed'] as const;

/**
 * Gauges of shared state, read when Prometheus scrapes (each process shows the same values:
 * aggregate with max()): queue depths from Redis, outbox backlogs and self-repair results
 * and the ledger folder's backlog from Postgres. A scrape costs one Redis round trip per queue
 * and three small queries.
 */
@Injectable()
export class StateGauges implements OnModuleInit {
  private backlogRead?: Promise<OutboxBacklog[]>;
  private unfoldedRead?: ReturnType<LedgerService['unfolded']>;
  private latestRead?: Promise<LatestRuns>;

  constructor(
    private readonly metrics: MetricsService,
    private readonly queues: QueueService,
    private readonly backlog: BacklogRepository,
    private readonly runs: MaintenanceRunsRepository,
    private readonly ledger: LedgerService,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge(
      {
        name: 'pledge_queue_jobs',
        help: 'Jobs per BullMQ queue and state (waiting, active, failed, delayed)',
        labelNames: ['queue', 'state'] as const,
      },
      async (gauge) => {
        await Promise.all(
          QUEUE_NAMES.map(async (queue) => {
            const counts = await this.queues.queue(queue).getJobCounts(...QUEUE_STATES);
            for (const state of QUEUE_STATES) gauge.set({ queue, state }, counts[state] ?? 0);
          }),
        );
      },
    );
    this.metrics.gauge(
      {
        name: 'pledge_outbox_waiting',
        help: 'Rows waiting in each outbox (stripe_events, receipts, emails, action_deliveries)',
        labelNames: ['outbox'] as const,
      },
      async (gauge) => {
        for (const b of await this.readBacklog()) gauge.set({ outbox: b.outbox }, b.waiting);
      },
    );
    this.metrics.gauge(
      {
        name: 'pledge_outbox_oldest_age_seconds',
        help: 'Age of the oldest row waiting in each outbox (0 when none)',
        labelNames: ['outbox'] as const,
      },
      async (gauge) => {
        for (const b of await this.readBacklog()) {
          gauge.set({ outbox: b.outbox }, b.oldestAgeSeconds);
        }
      },
    );
    this.metrics.gauge(
      {
        name: 'pledge_ledger_unfolded_entries',
        help: 'Ledger entries not yet folded into the campaign totals (reads add them; the folder should keep this near 0)',
      },
      async (gauge) => gauge.set((await this.readUnfolded()).count),
    );
    this.metrics.gauge(
      {
        name: 'pledge_ledger_unfolded_oldest_age_seconds',
        help: 'Age of the oldest ledger entry not yet folded (0 when none): a stuck folder grows it',
      },
      async (gauge) => {
        const { oldestAt } = await this.readUnfolded();
        gauge.set(oldestAt ? Math.max(0, (Date.now() - oldestAt.getTime()) / 1000) : 0);
      },
    );
    this.metrics.gauge(
      {
        name: 'pledge_reconcile_drift',
        help: 'Campaign totals that differed from the ledger at the last reconcile (0: none)',
      },
      async (gauge) => {
        const { lastReconcileDrift } = await this.readLatest();
        if (lastReconcileDrift !== null) gauge.set(lastReconcileDrift);
      },
    );
    this.metrics.gauge(
      {
        name: 'pledge_maintenance_last_success_timestamp_seconds',
        help: 'When each self-repair task last completed (ok or alert), as a Unix time',
        labelNames: ['task'] as const,
      },
      async (gauge) => {
        for (const r of (await this.readLatest()).lastSuccess) {
          gauge.set({ task: r.task }, Math.floor(new Date(r.finishedAt).getTime() / 1000));
        }
      },
    );
  }

  /** The two outbox gauges, collected together in a scrape, share the read in flight. */
  private readBacklog(): Promise<OutboxBacklog[]> {
    this.backlogRead ??= this.backlog.backlog().finally(() => (this.backlogRead = undefined));
    return this.backlogRead;
  }

  /** Likewise the two folder gauges. */
  private readUnfolded(): ReturnType<LedgerService['unfolded']> {
    this.unfoldedRead ??= this.ledger.unfolded().finally(() => (this.unfoldedRead = undefined));
    return this.unfoldedRead;
  }

  /** Likewise the two self-repair gauges. */
  private readLatest(): Promise<LatestRuns> {
    this.latestRead ??= this.runs.latest().finally(() => (this.latestRead = undefined));
    return this.latestRead;
  }
}
