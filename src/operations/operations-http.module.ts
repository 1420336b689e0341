import { Module } from '@nestjs/common';
import { AdminJobFailuresController } from './admin-job-failures.controller';

/** Staff's view of jobs that used up their retries. (The queue dashboard is mounted in bootstrap.) */
@Module({ controllers: [AdminJobFailuresController] })
export class OperationsHttpModule {}
