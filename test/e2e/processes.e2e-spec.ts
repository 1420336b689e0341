import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually, freePort, testEnvironment } from '../support/harness';
import { FROM_SOURCES } from '../support/processes';
import { runPendingMigrations } from '../../src/common/database/migrations';
import {
  createDatabaseFromTemplate,
  databaseUrl as urlOf,
  dropDatabase,
  runPrefix,
  withAdmin,
} from '../support/test-databases';

const ROOT = join(__dirname, '..', '..');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts an entry point as its own process, as `npm run start:api` would (from sources). */
function start(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [...FROM_SOURCES, join(ROOT, 'src', entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<Run>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited, output: () => stdout + stderr };
}

describe('process start-up and shutdown', () => {
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createDatabaseFromTemplate();
  });
  afterAll(() => dropDatabase(databaseUrl));

  const baseEnv = () =>
    testEnvironment({
      DATABASE_URL: databaseUrl,
      STRIPE_WEBHOOK_SECRETS: 'whsec_processes',
      QUEUE_PREFIX: `${runPrefix()}_proc`,
    });

  it('exits non-zero with one line naming DATABASE_URL when the database does not answer', async () => {
    const run = await start('main.ts', { ...baseEnv(), DATABASE_URL: 'postgres://127.0.0.1:1/x' })
      .exited;
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DATABASE_URL: cannot connect to postgres:\/\/127\.0\.0\.1:1\/x/);
  });

  it('exits non-zero with one line naming a missing or malformed variable', async () => {
    const missing = { ...baseEnv() } as Record<string, string>;
    delete missing.STRIPE_SECRET_KEY;
    const run = await start('worker.ts', missing).exited;
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'Invalid configuration: STRIPE_SECRET_KEY is required (must be a Stripe secret key (sk_test_…, sk_live_… or a restricted rk_ key))',
    );
    const malformed = await start('main.ts', { ...baseEnv(), PORT: 'eighty' }).exited;
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.trim()).toBe(
      'Invalid configuration: PORT must be an integer port number',
    );
  });

  it('operator CLI: creates, lists and revokes keys, reconciles, on the audit record', async () => {
    const cli = (...args: string[]) => {
      const run = spawn(process.execPath, [...FROM_SOURCES, join(ROOT, 'src', 'cli.ts'), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...baseEnv() },
      });
      let stdout = '';
      let stderr = '';
      run.stdout.on('data', (d) => (stdout += d));
      run.stderr.on('data', (d) => (stderr += d));
      return new Promise<Run>((resolve) =>
        run.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
      );
    };
    const created = await cli('api-key:create', '--role', 'finance', '--name', 'Treasurer');
    expect(created.code).toBe(0);
    const key = /key \(shown once, store it now\): (pbk_\S+)/.exec(created.stdout)![1];
    const listed = await cli('api-key:list');
    expect(listed.stdout).toMatch(/finance\s+active/);
    expect(listed.stdout).not.toContain(key);
    expect((await cli('api-key:revoke', key)).code).toBe(0);
    expect((await cli('api-key:list')).stdout).toMatch(/finance\s+revoked/);
    expect((await cli('reconcile')).stdout).toContain('no drift');
    const bad = await cli('api-key:create', '--role', 'owner', '--name', 'x');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('role must be one of: admin, finance');
    expect((await cli('nonsense')).code).toBe(2);

    const { Client } = await import('pg');
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const { rows } = await db.query(
      `SELECT action, status_code FROM audit_log WHERE staff_key_name = 'cli' ORDER BY id`,
    );
    await db.end();
    expect(rows).toEqual([
      { action: 'cli api-key:create', status_code: 200 },
      { action: 'cli api-key:revoke', status_code: 200 },
      { action: 'cli api-key:create', status_code: 400 },
    ]);
  });

  it('API: SIGTERM stops it gracefully with exit code 0', async () => {
    const port = await freePort();
    const api = start('main.ts', { ...baseEnv(), PORT: String(port), MIGRATIONS_RUN: 'true' });
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok,
      30_000,
      200,
    );
    api.child.kill('SIGTERM');
    const run = await api.exited;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SIGTERM received');
  });

  it('worker started before the schema exists waits for it, then starts (no missing-table errors)', async () => {
    const name = `${runPrefix()}_unmigrated`;
    await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
    const emptyUrl = urlOf(name);
    try {
      const worker = start('worker.ts', { ...baseEnv(), DATABASE_URL: emptyUrl });
      try {
        await eventually(
          async () => worker.output().includes('worker: waiting for the database schema'),
          30_000,
          200,
        );
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(worker.output()).not.toContain('consuming');
        // The API (here, the same migration step) applies the schema: the worker goes on.
        await runPendingMigrations(emptyUrl);
        await eventually(async () => worker.output().includes('consuming'), 30_000, 200);
        expect(worker.output()).not.toMatch(/does not exist/);
      } finally {
        worker.child.kill('SIGTERM');
        await worker.exited;
      }
    } finally {
      await dropDatabase(emptyUrl);
    }
  });

  it('worker: SIGTERM stops it gracefully with exit code 0', async () => {
    const worker = start('worker.ts', baseEnv());
    await eventually(async () => worker.output().includes('consuming'), 30_000, 200);
    worker.child.kill('SIGTERM');
    const run = await worker.exited;
    expect(run.code).toBe(0);
  });
});
