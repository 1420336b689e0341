import { Module } from '@nestjs/common';
import { MetricsController } from '../metrics/metrics.controller';
import { JobFailuresController } from './job-failures.controller';

@Module({ controllers: [JobFailuresController, MetricsController] })
export class OperationsModule {}
