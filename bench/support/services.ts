/**
 * What every benchmark needs around it: a fresh migrated database, its own Redis key prefix,
 * the API and worker as child processes (compiled, or from sources through @swc-node/register),
 * and cleanup.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { AddressInfo, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { runPendingMigrations } from '../../src/common/database/migrations';

export const ROOT = resolve(__dirname, '..', '..');
export const ADMIN_DATABASE_URL =
  process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Undo steps, run in reverse order once, whether the benchmark finished or failed. */
export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<unknown> }[] = [];
  private done = false;

  add(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  async run(): Promise<void> {
    if (this.done) return;
    this.done = true;
    for (const step of this.steps.reverse()) {
      try {
        await step.run();
      } catch (error) {
        process.stderr.write(`cleanup "${step.name}" failed: ${(error as Error).message}\n`);
      }
    }
  }
}

export function benchId(bench: string): string {
  return `pledges_bench_${bench.replace(/[^a-z0-9]/g, '_')}_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE, then the project's migrations; dropped again by the cleanup. */
export async function createBenchDatabase(name: string, cleanup: Cleanup): Promise<string> {
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  cleanup.add(`drop database ${name}`, () =>
    withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  );
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  await runPendingMigrations(url.toString());
  return url.toString();
}

/** Deletes every Redis key under the prefix (BullMQ keys are `<prefix>:<queue>:…`). */
export async function clearRedisPrefix(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** The environment the API and worker run with in a benchmark: real services, warn logs. */
export function serviceEnvironment(overrides: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_URL,
    STRIPE_SECRET_KEY: 'sk_test_bench',
    SMTP_URL: 'smtp://127.0.0.1:1',
    MAIL_FROM: 'Campaign receipts <receipts@example.org>',
    PUBLIC_BASE_URL: 'http://localhost:3000',
    CORS_ORIGINS: 'https://campaign.example.org',
    MIGRATIONS_RUN: 'false',
    SHUTDOWN_TIMEOUT_MS: '10000',
    RATE_LIMIT_DONATIONS: '1000000',
    // One campaign takes thousands of gifts from a few thousand addresses here: no abuse limit.
    RATE_LIMIT_DONATIONS_PER_EMAIL: '1000000',
    RATE_LIMIT_DONATIONS_PER_CAMPAIGN: '1000000',
    METRICS_TOKEN: 'bench-metrics-token',
    ...overrides,
  };
}

export interface ServiceProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last 64 kB the process wrote. */
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const BUILD_DIR = join(ROOT, '.bench-build');
let built = false;

/**
 * The servers are measured as production runs them: compiled JavaScript, without a compiler
 * loaded in the process (a compiler in memory cost ~50 MB of RSS under ts-node, and start-up CPU).
 * Compiled once per benchmark run into .bench-build/ (not dist/, which `npm run build` owns).
 * BENCH_FROM_SOURCES=1 runs the sources through @swc-node/register instead.
 */
function compiledServers(): boolean {
  if (process.env.BENCH_FROM_SOURCES === '1') return false;
  if (!built) {
    const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
    const result = spawnSync(tsc, ['-p', join(ROOT, 'bench', 'tsconfig.servers.json')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (result.status !== 0) throw new Error('compiling the servers for the benchmark failed');
    built = true;
  }
  return true;
}

/**
 * Starts an entry point (`src/main.ts`, …) as its own Node process, compiled (see
 * compiledServers) or from sources, so the pid measured is the server itself.
 */
export function startNodeProcess(
  name: string,
  script: string,
  env: Record<string, string>,
  cleanup: Cleanup,
  args: string[] = [],
): ServiceProcess {
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of each server process there (on exit).
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const entry = compiledServers()
    ? [join(BUILD_DIR, script.replace(/\.ts$/, '.js'))]
    : ['-r', '@swc-node/register', join(ROOT, script)];
  // BENCH_NODE_OPTIONS="--max-old-space-size=96": is memory growth a leak or lazy GC?
  const flags = (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...profile, ...flags, ...entry, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let running = true;
  void exited.then(() => (running = false));
  const stop = async () => {
    if (!running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  cleanup.add(`stop ${name}`, stop);
  return { name, pid: child.pid!, child, output: () => output, exited, stop };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Polls the URL until it answers `status`; fails with the process's output if it exits first. */
export async function waitForHttp(
  url: string,
  service: ServiceProcess,
  timeoutMs = 60_000,
  status = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void service.exited.then(() => (exitedEarly = true));
  for (;;) {
    if (exitedEarly)
      throw new Error(`${service.name} exited during start-up:\n${service.output()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === status) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${service.name} not ready after ${timeoutMs} ms:\n${service.output()}`);
    await sleep(100);
  }
}

/** Polls until `check` is truthy. */
export async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} still false after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** Runs a CLI command of the project as a process; resolves with its stdout. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  cleanup: Cleanup,
): Promise<string> {
  const cli = startNodeProcess(`cli ${args[0]}`, 'src/cli.ts', env, cleanup, args);
  let stdout = '';
  cli.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await cli.exited;
  if (code !== 0) throw new Error(`cli ${args.join(' ')} exited ${code}:\n${cli.output()}`);
  return stdout;
}
