import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** The API process's /metrics (the worker serves its own on WORKER_METRICS_PORT). */
@Module({ controllers: [MetricsController] })
export class MetricsHttpModule {}
