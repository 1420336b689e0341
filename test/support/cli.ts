import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run cli -- <args>` from the checkout, as the README shows it, with exactly the
 * given environment (PATH and HOME added): nothing else of the test process leaks in.
 */
export function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const child = spawn('npm', ['run', '--silent', 'cli', '--', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The newest modification time under a directory (files only), in ms. */
function newest(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/**
 * Makes sure dist/ holds a build of the current sources (CI builds before testing; a local
 * `npm test` may not have): runs `nest build` when dist/scripts/dev.js is missing or older than
 * a source it is built from. Only the server is built: the web pages are npm test's business.
 */
export function ensureServerBuilt(): void {
  const built = newest(join(ROOT, 'dist', 'scripts', 'dev.js'));
  const sources = ['src', 'scripts', 'migrations', 'test/support/stripe-stand-in'];
  sources.push('test/support/mail-catcher');
  if (built && sources.every((s) => newest(join(ROOT, s)) <= built)) return;
  const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'nest'), ['build'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`nest build failed:\n${build.stdout}${build.stderr}`);
}
