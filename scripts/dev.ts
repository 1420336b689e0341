/**
 * `npm run dev` (scripts/dev.sh builds, then runs this as dist/scripts/dev.js).
 *
 * Runs the whole backend on this machine with nothing to configure:
 *   1. reads .env if present (the real environment wins over it, defaults fill the rest);
 *   2. makes sure PostgreSQL and Redis answer (scripts/ensure-services.sh), falling back to
 *      project-local servers under .data/ when the default ones do not;
 *   3. without STRIPE_SECRET_KEY starts the Stripe stand-in (payments are simulated);
 *      without SMTP_URL starts the mail catcher;
 *   4. migrates, seeds the demo campaigns (idempotent), starts the API and the worker;
 *   5. writes the settings it chose to .dev/env (mode 600) for `npm run cli` in another terminal;
 *   6. waits for GET /health/ready, prints the URLs; Ctrl-C stops everything it started.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseEnv } from 'node:util';
import { prettyFactory } from 'pino-pretty';
import {
  DEV_SETTINGS_FILE,
  formatDevSettings,
  liveDevPid,
} from '../src/common/config/dev-settings';
import { MailCatcher, startMailCatcher } from '../test/support/mail-catcher/mail-catcher';

const ROOT = resolve(__dirname, '..', '..');
const ENSURE_SERVICES = join(ROOT, 'scripts', 'ensure-services.sh');
const TTY = process.stdout.isTTY === true;

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/pledges';
const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:54329/pledges';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const LOCAL_REDIS_URL = 'redis://127.0.0.1:63799';
const STAND_IN_ENTRY = 'dist/test/support/stripe-stand-in/main.js';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

// ---------------------------------------------------------------- output

const COLOURS: Record<string, number> = {
  dev: 1,
  services: 34,
  stripe: 33,
  mail: 32,
  migrate: 36,
  seed: 36,
  api: 96,
  worker: 95,
};

const pretty = TTY
  ? prettyFactory({
      colorize: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context,service',
      messageFormat: '{if context}[{context}] {end}{msg}',
    })
  : undefined;

function prefix(name: string): string {
  const label = `${name.padEnd(8)} │ `;
  return TTY ? `\x1b[${COLOURS[name] ?? 0}m${label}\x1b[0m` : label;
}

function print(name: string, text: string): void {
  for (const line of text.replace(/\n$/, '').split('\n'))
    process.stdout.write(prefix(name) + line + '\n');
}

function say(text: string): void {
  print('dev', text);
}

class DevError extends Error {}

/** Stops the start-up with one readable reason (no stack trace). */
function fail(message: string): never {
  throw new DevError(message);
}

/** The URL with its password replaced, fit to print. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}

// ---------------------------------------------------------------- child processes

interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number>;
  /** Set once the child has exited: its exit code (128 when a signal ended it). */
  exitCode?: number;
  lastLines: string[];
}

const running = new Set<Child>();

/**
 * Starts a child in its own process group, so that Ctrl-C reaches only this orchestrator,
 * which then stops the children in order (SIGTERM lets the worker finish its jobs).
 */
function start(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { quiet?: boolean } = {},
): Child {
  if (stopping && name !== 'services') fail('stopping');
  const proc = spawn(command, args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = { name, process: proc, exited: Promise.resolve(0), lastLines: [] };
  const onLine = (line: string): void => {
    child.lastLines.push(line);
    if (child.lastLines.length > 20) child.lastLines.shift();
    if (opts.quiet) return;
    const text = pretty && line.startsWith('{') ? pretty(line) : line;
    print(name, text);
  };
  const streams = [proc.stdout, proc.stderr].map((stream) => {
    const lines = createInterface({ input: stream! });
    lines.on('line', onLine);
    return new Promise<void>((done) => lines.once('close', done));
  });
  running.add(child);
  child.exited = new Promise<number>((done) => {
    proc.once('error', (err) => {
      onLine(`could not start ${command}: ${err.message}`);
      running.delete(child);
      child.exitCode = 127;
      done(127);
    });
    proc.once('exit', (code, signal) => {
      running.delete(child);
      child.exitCode = code ?? 128;
      const exitCode = child.exitCode;
      // Let the last lines through, but do not wait on pipes a daemon may have inherited.
      void Promise.race([Promise.all(streams), sleep(500)]).then(() => {
        if (signal && !stopping) onLine(`(ended by ${signal})`);
        done(exitCode);
      });
    });
  });
  return child;
}

/** Runs a command to its end; fails the start-up when it exits non-zero. */
async function runStep(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  what: string,
): Promise<void> {
  const code = await start(name, command, args, env).exited;
  if (code !== 0) fail(`${what} failed (exit code ${code}); see the "${name}" lines above`);
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.process.pid!, signal);
  } catch {
    // Already gone.
  }
}

async function stopChild(child: Child): Promise<void> {
  if (child.exitCode !== undefined) return;
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => {
    print(child.name, `still running ${STOP_GRACE_MS / 1000} s after SIGTERM: SIGKILL`);
    signalGroup(child, 'SIGKILL');
  }, STOP_GRACE_MS);
  await child.exited;
  clearTimeout(timer);
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(false));
  });
}

/** Waits until something listens on the port, failing early if the child dies first. */
async function waitForPort(child: Child, port: number, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await portAnswers(port))) {
    if (child.exitCode !== undefined)
      fail(`${what} exited (code ${child.exitCode}) before listening`);
    if (Date.now() > deadline) fail(`${what} did not listen on port ${port} within 20 s`);
    await sleep(200);
  }
}

// ---------------------------------------------------------------- environment

/** The same .env reading as the service's own (node:util parseEnv). */
function readDotEnv(file: string): Record<string, string> {
  return existsSync(file) ? (parseEnv(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

function positivePort(
  env: Record<string, string | undefined>,
  key: string,
  fallback: number,
): number {
  const value = env[key];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    fail(`${key} must be a port number, got "${value}"`);
  return port;
}

// ---------------------------------------------------------------- steps

interface Started {
  /** URLs of servers started for this run; stopped on the way out (system services stay). */
  services: string[];
  catcher?: MailCatcher;
  stripeUrl?: string;
}

const started: Started = { services: [] };

const SETTINGS_FILE = join(ROOT, DEV_SETTINGS_FILE);
let wroteSettings = false;

/**
 * Writes what this run chose to .dev/env, so that `npm run cli -- …` reaches the same database,
 * Redis, Stripe stand-in and mail catcher without a variable set. Secrets only when they are
 * this run's own (the stand-in's key and webhook secret); a real Stripe key or SMTP URL the
 * user configured stays where the user keeps it (.env or the shell).
 */
function writeSettings(env: NodeJS.ProcessEnv): void {
  const keys = ['DATABASE_URL', 'REDIS_URL', 'QUEUE_PREFIX', 'PORT', 'PUBLIC_BASE_URL'];
  keys.push('CORS_ORIGINS', 'MAIL_FROM', 'ORGANIZATION_NAME', 'ORGANIZATION_TIMEZONE');
  if (started.stripeUrl) keys.push('STRIPE_SECRET_KEY', 'STRIPE_API_URL', 'STRIPE_WEBHOOK_SECRETS');
  if (started.catcher) keys.push('SMTP_URL');
  const values: Record<string, string> = {};
  for (const key of keys) if (env[key]) values[key] = env[key]!;
  mkdirSync(join(ROOT, '.dev'), { recursive: true, mode: 0o700 });
  const temporary = `${SETTINGS_FILE}.${process.pid}`;
  writeFileSync(temporary, formatDevSettings(values, process.pid), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, SETTINGS_FILE);
  wroteSettings = true;
  say(`settings for \`npm run cli\` written to ${DEV_SETTINGS_FILE}`);
}

function removeSettings(): void {
  if (wroteSettings) rmSync(SETTINGS_FILE, { force: true });
  wroteSettings = false;
}

/**
 * Makes sure a server answers at the configured URL. When the URL was not configured and the
 * default one does not answer, a project-local server is started instead.
 */
async function ensureService(
  kind: string,
  configured: string | undefined,
  defaultUrl: string,
  localUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  let url = configured ?? defaultUrl;
  const checking = start('services', 'bash', [ENSURE_SERVICES, '--check', url], env, {
    quiet: true,
  });
  const check = await checking.exited;
  if (check === 0) {
    await runStep('services', 'bash', [ENSURE_SERVICES, url], env, `making sure ${kind} is ready`);
    return url;
  }
  if (check !== 1) fail(checking.lastLines.join('\n') || `checking ${kind} failed (${check})`);
  if (configured === undefined) {
    print('services', `${kind}: nothing answers at ${shown(url)}; using a project-local server`);
    url = localUrl;
  }
  await runStep('services', 'bash', [ENSURE_SERVICES, url], env, `starting ${kind}`);
  started.services.push(url);
  return url;
}

async function startStripeStandIn(env: NodeJS.ProcessEnv, apiPort: number): Promise<void> {
  const port = positivePort(env, 'STRIPE_STAND_IN_PORT', 12111);
  if (await portAnswers(port)) {
    fail(`port ${port} for the Stripe stand-in is taken; set STRIPE_STAND_IN_PORT to a free one`);
  }
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  const child = start('stripe', process.execPath, [join(ROOT, STAND_IN_ENTRY)], {
    ...env,
    STRIPE_STAND_IN_PORT: String(port),
    STRIPE_STAND_IN_WEBHOOK_URL: `http://127.0.0.1:${apiPort}/v1/stripe/webhook`,
    STRIPE_STAND_IN_WEBHOOK_SECRET: secret,
  });
  await waitForPort(child, port, 'the Stripe stand-in');
  started.stripeUrl = `http://127.0.0.1:${port}`;
  env.STRIPE_SECRET_KEY = 'sk_test_stand_in';
  env.STRIPE_API_URL = started.stripeUrl;
  env.STRIPE_WEBHOOK_SECRETS = secret;
  say(
    `Stripe: no STRIPE_SECRET_KEY, so payments are simulated by the stand-in at ${started.stripeUrl}`,
  );
}

async function startCatcher(env: NodeJS.ProcessEnv): Promise<void> {
  const smtpPort = positivePort(env, 'MAIL_CATCHER_SMTP_PORT', 1025);
  const httpPort = positivePort(env, 'MAIL_CATCHER_HTTP_PORT', 1080);
  try {
    started.catcher = await startMailCatcher({ smtpPort, httpPort });
  } catch (err) {
    fail(
      `the mail catcher could not listen on ${smtpPort}/${httpPort} (${(err as Error).message}); ` +
        'set MAIL_CATCHER_SMTP_PORT / MAIL_CATCHER_HTTP_PORT, or SMTP_URL to a real server',
    );
  }
  const catcher = started.catcher;
  env.SMTP_URL = catcher.smtpUrl;
  print('mail', `Mail catcher: SMTP ${catcher.smtpUrl}, read mail at ${catcher.httpUrl}`);
  catcher.on('mail', (mail) => {
    print(
      'mail',
      `caught ${JSON.stringify(mail.subject)}: ${catcher.httpUrl}/messages/${mail.id}/html`,
    );
  });
  say(`Mail: no SMTP_URL, so mail is caught, not sent; read it at ${catcher.httpUrl}`);
}

async function waitUntilReady(apiPort: number, watched: Child[]): Promise<void> {
  const url = `http://127.0.0.1:${apiPort}/health/ready`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  for (;;) {
    const dead = watched.find((c) => c.exitCode !== undefined);
    if (dead) fail(`the ${dead.name} exited (code ${dead.exitCode}) before the API was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      last = `no answer (${cause ?? (err as Error).message})`;
    }
    if (Date.now() > deadline) {
      fail(`GET ${url} was not 200 within ${READY_TIMEOUT_MS / 1000} s; last: ${last}`);
    }
    await sleep(500);
  }
}

// ---------------------------------------------------------------- stopping

let stopping = false;

async function stopAll(): Promise<void> {
  stopping = true;
  removeSettings();
  // API and worker first (together), then whatever else runs (the Stripe stand-in).
  const children = [...running];
  await Promise.all(children.filter((c) => c.name === 'api' || c.name === 'worker').map(stopChild));
  await Promise.all(children.map(stopChild));
  await started.catcher?.close();
  if (started.services.length > 0) {
    const code = await start('services', 'bash', [ENSURE_SERVICES, '--stop', ...started.services], {
      ...process.env,
    }).exited;
    if (code !== 0) say('could not stop every server started for this run (see above)');
  }
}

function killAllNow(): void {
  for (const child of running) signalGroup(child, 'SIGKILL');
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const dotEnv = readDotEnv(join(ROOT, '.env'));
  if (Object.keys(dotEnv).length > 0)
    say(`read ${Object.keys(dotEnv).length} variable(s) from .env`);
  // The real environment wins over .env, as with dotenv.
  const env: NodeJS.ProcessEnv = { ...dotEnv, ...process.env };
  const configured = (key: string): string | undefined => env[key] || undefined;

  const apiPort = positivePort(env, 'PORT', 3000);
  env.PORT = String(apiPort);
  env.PUBLIC_BASE_URL ||= `http://localhost:${apiPort}`;
  env.CORS_ORIGINS ||= `http://localhost:${apiPort}`;
  env.MAIL_FROM ||= 'Campaign receipts <receipts@localhost>';
  // The demo's organisation on pages, emails and receipts, rather than the placeholder default.
  env.ORGANIZATION_NAME ||= 'Friends of Camp Ashraf (local demo)';
  env.LOG_LEVEL ||= 'info';

  const standIn = !configured('STRIPE_SECRET_KEY');
  for (const entry of ['dist/src/cli.js', 'dist/src/main.js', 'dist/src/worker.js']) {
    if (!existsSync(join(ROOT, entry))) fail(`${entry} is missing: the build did not produce it`);
  }
  if (standIn && !existsSync(join(ROOT, STAND_IN_ENTRY))) {
    fail(`STRIPE_SECRET_KEY is not set and the Stripe stand-in (${STAND_IN_ENTRY}) is not built`);
  }
  const other = liveDevPid(ROOT);
  if (other)
    fail(
      `another \`npm run dev\` (pid ${other}) runs in this checkout; stop it first (or delete ${DEV_SETTINGS_FILE} if it is gone)`,
    );
  if (await portAnswers(apiPort)) {
    fail(`port ${apiPort} is already in use (another \`npm run dev\`?); stop it or set PORT`);
  }

  env.DATABASE_URL = await ensureService(
    'postgres',
    configured('DATABASE_URL'),
    DEFAULT_DATABASE_URL,
    LOCAL_DATABASE_URL,
    env,
  );
  env.REDIS_URL = await ensureService(
    'redis',
    configured('REDIS_URL'),
    DEFAULT_REDIS_URL,
    LOCAL_REDIS_URL,
    env,
  );

  if (!standIn) {
    const live = env.STRIPE_SECRET_KEY!.startsWith('sk_live_') ? ' (a LIVE key: real money)' : '';
    say(`Stripe: using STRIPE_SECRET_KEY from the environment${live}`);
  } else {
    await startStripeStandIn(env, apiPort);
  }
  if (configured('SMTP_URL')) {
    say(`Mail: sent through ${shown(env.SMTP_URL!)}`);
  } else {
    await startCatcher(env);
  }

  const cli = join(ROOT, 'dist/src/cli.js');
  await runStep('migrate', process.execPath, [cli, 'migrate'], env, 'node dist/src/cli.js migrate');
  await runStep(
    'seed',
    process.execPath,
    [cli, 'seed:demo'],
    env,
    'node dist/src/cli.js seed:demo',
  );

  writeSettings(env);
  const api = start('api', process.execPath, [join(ROOT, 'dist/src/main.js')], env);
  const worker = start('worker', process.execPath, [join(ROOT, 'dist/src/worker.js')], env);
  await waitUntilReady(apiPort, [api, worker]);

  const base = `http://localhost:${apiPort}`;
  say('Ready:');
  say(`  API               ${base}`);
  say(`  API docs          ${base}/docs`);
  say(
    `  Staff dashboard   ${base}/admin (key: npm run cli -- api-key:create --role admin --name "Me")`,
  );
  say(`  Donor portal      ${base}/donor`);
  say(
    started.catcher
      ? `  Mail (caught)     ${started.catcher.httpUrl}`
      : `  Mail (sent)       ${shown(env.SMTP_URL!)}`,
  );
  say(
    started.stripeUrl
      ? `  Stripe stand-in   ${started.stripeUrl} (payments are simulated)`
      : `  Stripe            ${env.STRIPE_API_URL || "Stripe's API"}`,
  );
  say('Ctrl-C stops everything.');

  // After start-up, the API or the worker ending on its own ends the run.
  const first = await Promise.race([api, worker].map((c) => c.exited.then(() => c)));
  if (!stopping) {
    say(`the ${first.name} exited (code ${first.exitCode}); stopping everything`);
    await stopAll();
    process.exit(1);
  }
}

let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (signalled) {
      say('second signal: killing everything now');
      killAllNow();
      process.exit(1);
    }
    signalled = true;
    say(`${signal}: stopping (again to kill at once)`);
    void stopAll().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
// Never leave children behind, whatever ends this process.
process.on('exit', () => {
  killAllNow();
  removeSettings();
});

main().catch(async (err: unknown) => {
  if (stopping) return; // a signal arrived during start-up; stopAll is already running
  say(err instanceof DevError ? err.message : `unexpected error: ${(err as Error).stack ?? err}`);
  await stopAll();
  process.exit(1);
});
