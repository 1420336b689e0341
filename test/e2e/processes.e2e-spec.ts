import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually, freePort, testEnvironment } from '../support/harness';
import { createDatabaseFromTemplate, dropDatabase, runPrefix } from '../support/test-databases';

const ROOT = join(__dirname, '..', '..');
const TS_NODE = join(ROOT, 'node_modules', '.bin', 'ts-node');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts an entry point as its own process, as `npm run start:api` would (from sources). */
function start(entry: string, env: Record<string, string>) {
  const child = spawn(TS_NODE, [join(ROOT, 'src', entry)], {
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

  it('worker: SIGTERM stops it gracefully with exit code 0', async () => {
    const worker = start('worker.ts', baseEnv());
    await eventually(async () => worker.output().includes('consuming'), 30_000, 200);
    worker.child.kill('SIGTERM');
    const run = await worker.exited;
    expect(run.code).toBe(0);
  });
});
