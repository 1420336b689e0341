/**
 * Load from autocannon (the standard Node HTTP benchmarking tool) in a process of its own
 * (autocannon-process.ts): the requests are made here, before the clock starts, and sent to
 * it over IPC; it sends each once and reports the same figures as runLoad (load.ts).
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { AutocannonAnswer, AutocannonJob } from './autocannon-process';
import { LoadResult } from './load';
import { ROOT } from './services';

export function runAutocannon(job: AutocannonJob): Promise<LoadResult> {
  const child = fork(join(__dirname, 'autocannon-process.ts'), [], {
    cwd: ROOT,
    // From the sources, like the runner; not the runner's own flags (--cpu-prof, …).
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    // Buffers cross as Buffers, and 20,000 bodies of 2 kB go faster than as JSON.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (answer: AutocannonAnswer) =>
      'result' in answer
        ? resolve(answer.result)
        : reject(new Error(`autocannon failed: ${answer.error}`)),
    );
    child.once('exit', (code) =>
      reject(new Error(`the autocannon process exited (${code}) without figures`)),
    );
    child.send(job);
  });
}
