import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Where `npm run dev` writes the settings it chose (database, Redis, the Stripe stand-in, the
 * mail catcher, ports), relative to the checkout, so that `npm run cli -- …` in another terminal
 * works against the same environment with nothing to set. Git-ignored, mode 600 (it holds the
 * stand-in's webhook secret), removed when dev stops. Never read with NODE_ENV=production.
 */
export const DEV_SETTINGS_FILE = join('.dev', 'env');

/** The line naming the dev process that wrote the file (a comment to parseEnv). */
const PID_LINE = /^# pid (\d+)$/m;

/** The settings as a .env-style file that node:util parseEnv reads back unchanged. */
export function formatDevSettings(values: Record<string, string>, pid: number): string {
  const lines = [
    '# Written by `npm run dev` for `npm run cli` (removed when dev stops). Do not edit.',
    `# pid ${pid}`,
  ];
  for (const [key, value] of Object.entries(values)) {
    if (/[\r\n]/.test(value)) continue; // cannot be written on one line; the CLI will name it
    // Quoted, so that `#` in a URL is not read as a comment.
    lines.push(value.includes("'") ? `${key}="${value}"` : `${key}='${value}'`);
  }
  return `${lines.join('\n')}\n`;
}

/** The settings a running `npm run dev` wrote in `root`, or undefined when there are none. */
export function readDevSettings(root = process.cwd()): Record<string, string> | undefined {
  const file = join(root, DEV_SETTINGS_FILE);
  if (!existsSync(file)) return undefined;
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** The pid of the dev process that wrote the file in `root`, when it still runs. */
export function liveDevPid(root: string): number | undefined {
  const file = join(root, DEV_SETTINGS_FILE);
  if (!existsSync(file)) return undefined;
  const pid = Number(PID_LINE.exec(readFileSync(file, 'utf8'))?.[1]);
  if (!pid || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
