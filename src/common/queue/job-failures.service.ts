import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobFailuresRepository, JobSubjects } from './job-failures.repository';

/** The record of jobs that exhausted their retries (`job_failures`), for the modules above. */
@Injectable()
export class JobFailuresService {
  constructor(private readonly failures: JobFailuresRepository) {}

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
