import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** One metrics registry per process (API, worker, CLI), for every module to count into. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
