import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

// Any constant: every process that migrates takes this advisory lock first, so several API
// processes starting at once apply each migration exactly once.
const MIGRATION_LOCK = 727274001;

export class DatabaseUnreachableError extends Error {}

/** Connects once to check the database answers; the message names DATABASE_URL, never the password. */
export async function assertDatabaseReachable(
  databaseUrl: string,
  timeoutMs = 5000,
): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new DatabaseUnreachableError(
      `DATABASE_URL: cannot connect to ${redactUrl(databaseUrl)} (${describeError(error)})`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Applies pending migrations under an advisory lock; returns the names applied. */
export async function runPendingMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'all' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}

/**
 * Waits until every migration of this build has been applied by whoever migrates (the API, with
 * MIGRATIONS_RUN, or `npm run migration:run`), so that nothing queries tables that do not exist
 * yet. Reads the migrations table only (creates nothing): polls every `pollMs`, says once that
 * it waits, and gives up after `timeoutMs` with a message saying what to do.
 */
export async function waitForSchema(
  databaseUrl: string,
  options: { timeoutMs: number; pollMs?: number; onWait?: (pending: string[]) => void },
): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions(databaseUrl), logging: false });
  await dataSource.initialize();
  try {
    const expected = dataSource.migrations.map((m) => m.name ?? m.constructor.name);
    const deadline = Date.now() + options.timeoutMs;
    let told = false;
    for (;;) {
      const applied = new Set(await appliedMigrations(dataSource));
      const pending = expected.filter((name) => !applied.has(name));
      if (!pending.length) return;
      if (!told) options.onWait?.(pending);
      told = true;
      if (Date.now() > deadline) {
        throw new SchemaNotReadyError(
          `the database schema still lacks ${pending.length} migration(s) after ${Math.round(options.timeoutMs / 1000)} s ` +
            `(first: ${pending[0]}): start the API with MIGRATIONS_RUN=true, or run npm run migration:run`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    }
  } finally {
    await dataSource.destroy();
  }
}

export class SchemaNotReadyError extends Error {}

/** The names in TypeORM's migrations table; none while the table does not exist yet. */
async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  try {
    const table = dataSource.driver.escape(dataSource.options.migrationsTableName ?? 'migrations');
    const rows: { name: string }[] = await dataSource.query(`SELECT name FROM ${table}`);
    return rows.map((r) => r.name);
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return []; // undefined_table
    throw error;
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function describeError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return [e.code, e.message].filter(Boolean).join(': ') || 'unknown error';
}
