import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const MAINTENANCE_TASKS = ['stripe-sync', 'reconcile', 'retry-stuck'] as const;
export type MaintenanceTask = (typeof MAINTENANCE_TASKS)[number];

export const RUN_STATUSES = ['running', 'ok', 'alert', 'failed', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Counts and ids only: findings never hold personal data. */
export type RunFindings = Record<string, unknown>;

/**
 * One run of a self-repair task: when, how it ended and what it found. `alert` means it ran
 * and found something staff must look at (drift between campaign totals and the ledger).
 */
@Entity('maintenance_runs')
@Check('maintenance_runs_status_check', `status IN ('running', 'ok', 'alert', 'failed', 'skipped')`)
@Index('maintenance_runs_task_started', ['task', 'startedAt'])
@Index('maintenance_runs_started', ['startedAt'])
@Index('maintenance_runs_task_status_finished', ['task', 'status', 'finishedAt'])
export class MaintenanceRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  task: MaintenanceTask;

  /** `schedule` or `manual` (an operator asked for it). */
  @Column('text')
  trigger: string;

  @Column('text', { default: 'running' })
  status: RunStatus;

  @Column('timestamptz', { name: 'started_at', default: () => 'now()' })
  startedAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('jsonb', { default: {} })
  findings: RunFindings;

  @Column('text', { nullable: true })
  error: string | null;
}
