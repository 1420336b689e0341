import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './harness';

const ROOT = join(__dirname, '..', '..');

/**
 * Node flags that run a TypeScript entry point from its sources: @swc-node/register compiles
 * with tsconfig.json's options, decorator metadata included (Nest's injection needs it).
 */
export const FROM_SOURCES = ['-r', '@swc-node/register'];

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `src/<entry>` as its own process, as production does, with the given environment. */
export function startProcess(
  entry: 'main.ts' | 'worker.ts',
  env: Record<string, string | undefined>,
): RunningProcess {
  const child = spawn(process.execPath, [...FROM_SOURCES, join(ROOT, 'src', entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** An API process on `port`, resolved once it answers ready. */
export async function startApiProcess(
  port: number,
  env: Record<string, string | undefined> = {},
): Promise<RunningProcess> {
  const api = startProcess('main.ts', { ...env, PORT: String(port), MIGRATIONS_RUN: 'false' });
  await eventually(
    async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok,
    60_000,
    200,
  );
  return api;
}

/** A worker process, resolved once it consumes its queues. */
export async function startWorkerProcess(
  env: Record<string, string | undefined> = {},
): Promise<RunningProcess> {
  const worker = startProcess('worker.ts', env);
  await eventually(async () => worker.output().includes('consuming'), 60_000, 100);
  return worker;
}

/** One row of the drills' table. */
export function drillReport(row: {
  drill: string;
  eventsSent: number;
  stored: number;
  processed: number;
  receipts: number;
  lost: number;
  doubled: number;
}): void {
  process.stdout.write(
    `\nDRILL | ${row.drill.padEnd(40)} | sent ${row.eventsSent} | stored ${row.stored} | processed ${row.processed} | receipts ${row.receipts} | lost ${row.lost} | doubled ${row.doubled}\n`,
  );
}
