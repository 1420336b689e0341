import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Environment } from '../config/environment';
import { dataSourceOptions, PoolOptions } from './data-source-options';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyService } from './idempotency.service';

/**
 * The process's connection pool: DATABASE_POOL_SIZE connections, whatever its job concurrency.
 * An outbox job (a Stripe event, a receipt, a statement, an email) keeps no connection for its
 * run: it claims its row with a lease (see `OutboxTable`) and borrows a connection per query or
 * short transaction, none while Stripe or SMTP answers. So a worker's jobs in flight
 * (STRIPE_EVENTS_CONCURRENCY, and WORKER_CONCURRENCY for each other queue) may outnumber its
 * connections: they take turns on them. (A maintenance run keeps one for its task's lock, one
 * run per task at a time.)
 *
 * Taking turns means waiting for a connection now and then. A request waits at most 5 s (a
 * client would rather have an error than hang). A worker's query waits up to 30 s: a burst of
 * jobs on a slow database queues for connections rather than failing tries; a refused
 * connection (Postgres down) still fails at once. The worker's connections are named
 * `pledges-worker` in `pg_stat_activity`, the API's and the CLI's `pledges`.
 */
export function poolOptions(env: Environment, worker: boolean): PoolOptions {
  return {
    size: env.DATABASE_POOL_SIZE,
    connectionTimeoutMs: worker ? 30_000 : 5000,
    applicationName: worker ? 'pledges-worker' : 'pledges',
  };
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
            ...dataSourceOptions(env.DATABASE_URL, poolOptions(env, options.worker)),
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
