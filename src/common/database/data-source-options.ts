import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';

/**
 * One definition of how we reach Postgres, shared by the app, the CLI and TypeORM's CLI. The
 * entities are every `*.entity` file under src/ (compiled: dist/src/): what TypeORM's CLI
 * compares with the schema. The app instead loads those its modules register.
 */
export interface PoolOptions {
  /** Connections the process may open. */
  size?: number;
  /** How long a query waits for a free connection (or a new one) before it fails. */
  connectionTimeoutMs?: number;
  /** Names the process's connections in `pg_stat_activity`. */
  applicationName?: string;
}

export function dataSourceOptions(
  databaseUrl: string,
  { size = 20, connectionTimeoutMs = 5000, applicationName = 'pledges' }: PoolOptions = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: [join(__dirname, '..', '..', '**', '*.entity.{ts,js}')],
    // Compiled: dist/migrations/*.js; from sources (@swc-node/register, jest): migrations/*.ts.
    migrations: [join(__dirname, '..', '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'all',
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: size,
      connectionTimeoutMillis: connectionTimeoutMs,
      application_name: applicationName,
    },
  };
}
