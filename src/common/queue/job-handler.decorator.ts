import { SetMetadata } from '@nestjs/common';
import { JobName } from './job-catalogue';

export const JOB_HANDLER = Symbol('job-handler');

/**
 * Marks a provider method as the handler of one job of the catalogue. It must throw on
 * failure (so BullMQ retries) and be idempotent (delivery is at least once).
 */
export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER, name);
