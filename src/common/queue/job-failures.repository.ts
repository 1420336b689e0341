import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ERASED_ERROR } from '../errors/erased';
import { JobFailure } from './job-failure.entity';

export interface FailedJob {
  queue: string;
  jobName: string;
  jobId: string;
  payload: Record<string, unknown>;
  attempts: number;
  error: string;
}

/** The rows whose jobs' failures are about a donor, by the id each job's payload carries. */
export interface JobSubjects {
  emailIds: string[];
  receiptIds: string[];
  statementIds: string[];
  eventIds: string[];
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

  async list(limit: number, before?: Date): Promise<JobFailure[]> {
    const qb = this.repo.createQueryBuilder('f').orderBy('f.failed_at', 'DESC').limit(limit);
    if (before) qb.where('f.failed_at < :before', { before });
    return qb.getMany();
  }

  /**
   * Donor erasure, in the caller's transaction: the failures of jobs about the donor's rows keep
   * the fact (ERASED_ERROR), not the text; any other failure that quotes `email` loses the
   * address. Returns how many failures of the donor's jobs were cleared.
   */
  async eraseErrorsAbout(
    em: EntityManager,
    subjects: JobSubjects,
    email: string | null,
  ): Promise<number> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [, cleared]: [unknown, number] = await em.query(
      `UPDATE job_failures SET error = $5
        WHERE error <> $5
          AND (payload->>'emailId' = ANY($1) OR payload->>'receiptId' = ANY($2)
               OR payload->>'statementId' = ANY($3) OR payload->>'eventId' = ANY($4))`,
      [
        subjects.emailIds,
        subjects.receiptIds,
        subjects.statementIds,
        subjects.eventIds,
        ERASED_ERROR,
      ],
    );
    if (email !== null) {
      // A job about someone else's row whose failure quotes the address.
      await em.query(
        `UPDATE job_failures SET error = replace(error, $1, '[erased]') WHERE strpos(error, $1) > 0`,
        [email],
      );
    }
    return cleared;
  }
}
