import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './common/config/config.module';
import { DatabaseModule } from './common/database/database.module';
import { LoggingModule, LoggingOptions } from './common/logging/logging.module';
import { QueueModule } from './common/queue/queue.module';
import { StripeModule } from './stripe/stripe.module';
import { MetricsModule } from './metrics/metrics.module';
import { CreationLimitsModule } from './common/rate-limit/creation-limits.module';

/** What every process (API, worker, CLI) stands on: config, logs, Postgres, queue, Stripe. */
@Module({})
export class CoreModule {
  static forRoot(logging: LoggingOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(),
        LoggingModule.forRoot(logging),
        DatabaseModule.forRoot({ worker: logging.service === 'worker' }),
        QueueModule,
        StripeModule,
        AuthModule,
        MetricsModule,
        CreationLimitsModule,
      ],
      exports: [QueueModule, StripeModule, AuthModule, MetricsModule, CreationLimitsModule],
    };
  }
}
