import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';

/**
 * One definition of how we reach Postgres, shared by the app, the CLI and TypeORM's CLI. The
 * entities are every `*.entity` file under src/ (compiled: dist/src/): what TypeORM's CLI
 * compares with the schema. The app instead loads those its modules register.
 */
export function dataSourceOptions(databaseUrl: string, poolSize = 20): DataSourceOptions {
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
    extra: { max: poolSize, connectionTimeoutMillis: 5000, application_name: 'pledges' },
  };
}
