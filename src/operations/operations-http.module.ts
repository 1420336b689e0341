import { Module } from '@nestjs/common';
import { JobFailuresController } from './job-failures.controller';

/** Staff's view of jobs that used up their retries. (The queue dashboard is mounted in bootstrap.) */
@Module({ controllers: [JobFailuresController] })
export class OperationsHttpModule {}
