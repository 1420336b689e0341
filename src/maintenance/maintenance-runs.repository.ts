import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { withSessionLock } from '../common/database/locks';
import {
  MAINTENANCE_TASKS,
  MaintenanceRun,
  MaintenanceTask,
  RunFindings,
  RunStatus,
} from './maintenance-run.entity';

export interface LatestRuns {
  /** Per task, its last successful run (ok or alert). */
  lastSuccess: { task: MaintenanceTask; id: string; finishedAt: Date }[];
  /** Drift rows found by the last successful reconcile; null before the first. */
  lastReconcileDrift: number | null;
}

@Injectable()
export class MaintenanceRunsRepository {
  constructor(
    @InjectRepository(MaintenanceRun) private readonly repo: Repository<MaintenanceRun>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Runs `work` holding the task's Postgres advisory lock, so one run of a task happens at a
   * time across every worker; `null` when another run holds it.
   */
  whileLocked<T>(task: MaintenanceTask, work: () => Promise<T>): Promise<{ result: T } | null> {
    return withSessionLock(this.dataSource, `maintenance:${task}`, work);
  }

  async start(task: MaintenanceTask, trigger: string): Promise<string> {
    const rows: { id: string }[] = await this.repo.query(
      `INSERT INTO maintenance_runs (task, trigger) VALUES ($1, $2) RETURNING id`,
      [task, trigger],
    );
    return rows[0].id;
  }

  async finish(
    id: string,
    outcome: { status: Exclude<RunStatus, 'running'>; findings: RunFindings; error?: string },
  ): Promise<void> {
    await this.repo.query(
      `UPDATE maintenance_runs SET status = $2, findings = $3, error = $4, finished_at = now() WHERE id = $1`,
      [id, outcome.status, JSON.stringify(outcome.findings), outcome.error?.slice(0, 500) ?? null],
    );
  }

  /** A run that did not happen because another held the lock: recorded, finished at once. */
  async skipped(task: MaintenanceTask, trigger: string): Promise<void> {
    await this.repo.query(
      `INSERT INTO maintenance_runs (task, trigger, status, finished_at, findings)
       VALUES ($1, $2, 'skipped', now(), '{"reason":"another run of this task was in progress"}')`,
      [task, trigger],
    );
  }

  list(task: MaintenanceTask | undefined, limit: number, before?: Date): Promise<MaintenanceRun[]> {
    const qb = this.repo.createQueryBuilder('r').orderBy('r.started_at', 'DESC').limit(limit);
    if (task) qb.andWhere('r.task = :task', { task });
    if (before) qb.andWhere('r.started_at < :before', { before });
    return qb.getMany();
  }

  /**
   * Per task, its last successful run (ok or alert), with the drift of the last reconcile. Read
   * at every scrape: one probe of the (task, status, finished_at) index per task and status,
   * however many runs the table holds.
   */
  async latest(): Promise<LatestRuns> {
    const rows: { task: MaintenanceTask; id: string; finished_at: Date; drift: string | null }[] =
      await this.repo.query(
        `SELECT t.task, r.id, r.finished_at, r.findings->>'driftRows' AS drift
           FROM unnest($1::text[]) AS t(task)
          CROSS JOIN unnest(ARRAY['ok', 'alert']) AS s(status)
          CROSS JOIN LATERAL (
                SELECT id, finished_at, findings FROM maintenance_runs m
                 WHERE m.task = t.task AND m.status = s.status AND m.finished_at IS NOT NULL
                 ORDER BY m.finished_at DESC LIMIT 1) r`,
        [MAINTENANCE_TASKS],
      );
    const last = new Map<MaintenanceTask, (typeof rows)[number]>();
    for (const row of rows) {
      const seen = last.get(row.task);
      if (!seen || new Date(row.finished_at) > new Date(seen.finished_at)) last.set(row.task, row);
    }
    const reconcile = last.get('reconcile');
    return {
      lastSuccess: [...last.values()].map((r) => ({
        task: r.task,
        id: r.id,
        finishedAt: r.finished_at,
      })),
      lastReconcileDrift: reconcile ? Number(reconcile.drift ?? 0) : null,
    };
  }

  /**
   * Deletes runs started before `before`, except each task's last successful run (its time is
   * what the "self-repair not running" alert reads). Answers how many went.
   */
  async purgeStartedBefore(before: Date): Promise<number> {
    const keep = (await this.latest()).lastSuccess.map((r) => r.id);
    const [, deleted]: [unknown, number] = await this.repo.query(
      `DELETE FROM maintenance_runs WHERE started_at < $1 AND id <> ALL($2::uuid[])`,
      [before, keep],
    );
    return deleted;
  }

  /**
   * Runs still `running` that started before `before`: their worker stopped mid-run (a crash,
   * a kill). Recorded as failed, `interrupted`; a run that was only slow and finishes later
   * records its real outcome over this. Answers how many.
   */
  async failInterrupted(before: Date): Promise<number> {
    const [, failed]: [unknown, number] = await this.repo.query(
      `UPDATE maintenance_runs
          SET status = 'failed', finished_at = now(),
              error = 'interrupted: the worker running it stopped before it finished'
        WHERE status = 'running' AND started_at < $1`,
      [before],
    );
    return failed;
  }
}
