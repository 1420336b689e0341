import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { JobFailure } from './job-failure.entity';

export interface FailedJob {
  queue: string;
  jobName: string;
  jobId: string;
  payload: Record<string, unknown>;
  attempts: number;
  error: string;
}

@Injectable()
export class JobFailuresRepository {
  constructor(@InjectRepository(JobFailure) private readonly repo: Repository<JobFailure>) {}

  /** One row per job; a job that fails again after a replay updates its row. */
  async record(f: FailedJob): Promise<void> {
    await this.repo.query(
      `INSERT INTO job_failures (queue, job_name, job_id, payload, attempts, error)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (queue, job_id) DO UPDATE
         SET job_name = EXCLUDED.job_name, payload = EXCLUDED.payload,
             attempts = EXCLUDED.attempts, error = EXCLUDED.error, failed_at = now()`,
      [f.queue, f.jobName, f.jobId, JSON.stringify(f.payload), f.attempts, f.error],
    );
  }

  async clear(queue: string, jobId: string): Promise<void> {
    await this.repo.delete({ queue, jobId });
  }

  async list(limit: number, before?: Date): Promise<JobFailure[]> {
    const qb = this.repo.createQueryBuilder('f').orderBy('f.failed_at', 'DESC').limit(limit);
    if (before) qb.where('f.failed_at < :before', { before });
    return qb.getMany();
  }
}
