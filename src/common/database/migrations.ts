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
