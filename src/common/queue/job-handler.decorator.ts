import { SetMetadata } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobName, JobPayloads } from './job-catalogue';

export const JOB_HANDLER = Symbol('job-handler');

/** A handler of job N: it takes the catalogue's payload of N, and the BullMQ job. */
type JobHandlerMethod<N extends JobName> = (payload: JobPayloads[N], job: Job) => Promise<unknown>;

/**
 * Marks a provider method as the handler of one job of the catalogue; the compiler checks that
 * the method takes that job's payload. It must throw on failure (so BullMQ retries) and be
 * idempotent (delivery is at least once).
 */
export const JobHandler =
  <N extends JobName>(name: N) =>
  <M extends JobHandlerMethod<N>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    SetMetadata(JOB_HANDLER, name)(target, key, descriptor);
  };
