import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Environment } from '../config/environment';
import { dataSourceOptions } from './data-source-options';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyService } from './idempotency.service';

/**
 * Connections a process may open. A worker job that sends an email or applies a Stripe event
 * holds one for its whole run (the row's advisory lock, see `withSessionLock`): three queues
 * (stripe-events, mail, receipts) of WORKER_CONCURRENCY jobs each, plus room for the short
 * queries of event handlers, sweeps and maintenance. Others: 20.
 */
export function poolSize(env: Environment, worker: boolean): number {
  return worker ? Math.max(20, 3 * env.WORKER_CONCURRENCY + 10) : 20;
}

/**
 * The app's Postgres connection. Migrations run before boot (see migrations.ts), never
 * synchronize. Each module registers its own entities (`TypeOrmModule.forFeature`), which
 * `autoLoadEntities` collects: this platform module names no domain's entity. Global: every
 * module may claim an Idempotency-Key.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [Environment],
          useFactory: (env: Environment) => ({
            ...dataSourceOptions(env.DATABASE_URL, poolSize(env, options.worker)),
            entities: [],
            autoLoadEntities: true,
            retryAttempts: 2,
            retryDelay: 1000,
          }),
        }),
        TypeOrmModule.forFeature([IdempotencyKey]),
      ],
      providers: [IdempotencyService],
      exports: [IdempotencyService],
    };
  }
}
