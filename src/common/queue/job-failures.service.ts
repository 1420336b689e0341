import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobFailure } from './job-failure.entity';
import { FailedJob, JobFailuresRepository, JobSubjects } from './job-failures.repository';

/**
 * The record of jobs that exhausted their retries (`job_failures`): written by the worker,
 * listed for staff, erased with a donor.
 */
@Injectable()
export class JobFailuresService {
  constructor(private readonly failures: JobFailuresRepository) {}

  /** One row per job; a job that fails again after a replay updates its row. */
  record(failure: FailedJob): Promise<void> {
    return this.failures.record(failure);
  }

  /** Newest first; `before` a failure time to page. */
  list(limit: number, before?: Date): Promise<JobFailure[]> {
    return this.failures.list(limit, before);
  }

  /**
   * Donor erasure, in the caller's transaction: clears the error text of the donor's jobs'
   * failures and the address from any other; returns how many of the donor's were cleared.
   */
  eraseErrorsAbout(
    em: EntityManager,
    subjects: JobSubjects,
    email: string | null,
  ): Promise<number> {
    return this.failures.eraseErrorsAbout(em, subjects, email);
  }
}
