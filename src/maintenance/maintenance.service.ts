import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { QueueService } from '../common/queue/queue.service';
import { MaintenanceRun, MaintenanceTask } from './maintenance-run.entity';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';
import { MaintenanceRunView, QueuedRunView } from './maintenance.dto';

function view(r: MaintenanceRun): MaintenanceRunView {
  return {
    id: r.id,
    task: r.task,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    findings: r.findings,
    error: r.error,
  };
}

/** Staff's view of self-repair: the last runs, and running a task now (the worker runs it). */
@Injectable()
export class MaintenanceService {
  constructor(
    private readonly runs: MaintenanceRunsRepository,
    private readonly queues: QueueService,
  ) {}

  async list(
    task: MaintenanceTask | undefined,
    limit: number,
    before?: Date,
  ): Promise<MaintenanceRunView[]> {
    return (await this.runs.list(task, limit, before)).map(view);
  }

  async requestRun(task: MaintenanceTask): Promise<QueuedRunView> {
    const jobId = `maintenance-${task}-manual-${Date.now()}`;
    try {
      await this.queues.enqueue(`maintenance.${task}`, { trigger: 'manual' }, { jobId });
    } catch {
      throw new DomainError('unavailable', 'The queue cannot be reached: try again shortly');
    }
    return { task, jobId, status: 'queued' };
  }
}
