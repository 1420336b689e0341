import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { withSessionLock } from '../common/database/locks';
import { MaintenanceRun, MaintenanceTask, RunFindings, RunStatus } from './maintenance-run.entity';

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

  /** Per task, the end of its last successful run (ok or alert) and the findings of the last reconcile. */
  async latest(): Promise<{
    lastSuccess: { task: string; finishedAt: Date }[];
    lastReconcileDrift: number | null;
  }> {
    const success: { task: string; finished_at: Date }[] = await this.repo.query(
      `SELECT task, max(finished_at) AS finished_at FROM maintenance_runs
        WHERE status IN ('ok', 'alert') GROUP BY task`,
    );
    const reconcile: { drift: string | null }[] = await this.repo.query(
      `SELECT findings->>'driftRows' AS drift FROM maintenance_runs
        WHERE task = 'reconcile' AND status IN ('ok', 'alert') ORDER BY started_at DESC LIMIT 1`,
    );
    return {
      lastSuccess: success.map((r) => ({ task: r.task, finishedAt: r.finished_at })),
      lastReconcileDrift: reconcile[0] ? Number(reconcile[0].drift ?? 0) : null,
    };
  }
}
