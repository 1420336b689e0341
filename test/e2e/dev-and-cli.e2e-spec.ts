import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { liveDevPid } from '../../src/common/config/dev-settings';
import { ensureServerBuilt, ROOT, runCli } from '../support/cli';
import { eventually, freePort } from '../support/harness';
import {
  createDatabaseFromTemplate,
  dropDatabase,
  runPrefix,
  TEST_REDIS_URL,
} from '../support/test-databases';

const SETTINGS = join(ROOT, '.dev', 'env');

/**
 * The README's first steps, as a new user takes them: `npm run dev` in one terminal, then
 * `npm run cli -- api-key:create --role admin --name "Me"` in another with NO variable set,
 * and the printed key signs in to the running API. Dev runs from the build (dist/), as
 * scripts/dev.sh runs it once it has built, on ports of its own and a database of this run.
 */
describe('npm run dev, then the CLI in another terminal', () => {
  let dev: ChildProcess | undefined;
  let devOutput = '';
  let devExited: Promise<number | null>;
  let databaseUrl: string;
  let port: number;

  beforeAll(async () => {
    const other = liveDevPid(ROOT);
    if (other) throw new Error(`stop the \`npm run dev\` (pid ${other}) of this checkout first`);
    ensureServerBuilt();
    databaseUrl = await createDatabaseFromTemplate();
    port = await freePort();
    dev = spawn(process.execPath, [join(ROOT, 'dist', 'scripts', 'dev.js')], {
      cwd: ROOT,
      // What a user's shell would hold, plus where this run's dev must not collide with
      // another (a database and queue prefix of this test run, free ports).
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME ?? '/tmp',
        DATABASE_URL: databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: `${runPrefix()}_dev`,
        PORT: String(port),
        STRIPE_STAND_IN_PORT: String(await freePort()),
        MAIL_CATCHER_SMTP_PORT: String(await freePort()),
        MAIL_CATCHER_HTTP_PORT: String(await freePort()),
      },
    });
    dev.stdout!.on('data', (d) => (devOutput += d));
    dev.stderr!.on('data', (d) => (devOutput += d));
    devExited = new Promise((resolve) => dev!.once('exit', (code) => resolve(code)));
    await eventually(
      async () => {
        if (dev!.exitCode !== null) throw new Error(`dev exited:\n${devOutput}`);
        return devOutput.includes('Ready:');
      },
      90_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- dev said:\n${devOutput}`);
    });
  }, 240_000);

  afterAll(async () => {
    if (dev && dev.exitCode === null) {
      dev.kill('SIGTERM');
      const timer = setTimeout(() => dev!.kill('SIGKILL'), 20_000);
      await devExited;
      clearTimeout(timer);
    }
    if (databaseUrl) await dropDatabase(databaseUrl);
  }, 60_000);

  it('creates a staff key with no variable set, and the key signs in to the running API', async () => {
    expect(devOutput).toContain('npm run cli -- api-key:create --role admin --name "Me"');
    // The settings dev chose are readable by the user only: they hold the stand-in's secret.
    expect(statSync(SETTINGS).mode & 0o777).toBe(0o600);

    const run = await runCli(['api-key:create', '--role', 'admin', '--name', 'Me'], {});
    expect(run.stderr).not.toMatch(/Invalid configuration/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^created admin key "Me" \(id /m);
    const key = /key \(shown once, store it now\): (\S+)/.exec(run.stdout)?.[1];
    expect(key).toMatch(/^pbk_/);

    const me = await fetch(`http://127.0.0.1:${port}/v1/admin/me`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: 'admin', name: 'Me' });
  }, 120_000);

  it('once dev stops, its settings are gone and the CLI says to start dev or set the variable', async () => {
    dev!.kill('SIGTERM');
    expect(await devExited).toBe(0);
    expect(existsSync(SETTINGS)).toBe(false);

    const run = await runCli(['api-key:list'], {});
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^Invalid configuration: DATABASE_URL is required .*start `npm run dev` in another terminal.* or set DATABASE_URL$/,
      ),
    ]);
  }, 120_000);
});
