import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  BuiltStage,
  buildStages,
  installProductionPackages,
  linkInstalledPackages,
  listFiles,
  parseDockerfile,
} from '../support/dockerfile';
import { eventually, freePort, testEnvironment } from '../support/harness';
import { MailCatcher, startMailCatcher } from '../support/mail-catcher/mail-catcher';
import { StripeStandIn, startStripeStandIn } from '../support/stripe-stand-in/stand-in.server';
import { databaseUrl, dropDatabase, runPrefix, withAdmin } from '../support/test-databases';

/**
 * The Docker image, checked without a Docker engine: docker/Dockerfile is read step by step
 * (test/support/dockerfile.ts), each stage's files are put together in a scratch directory
 * exactly as its COPY steps say (the build context filtered by .dockerignore), its RUN steps run
 * as written (`npm run build`: nest build, then the pages with Vite), and the runtime stage's
 * files alone then run the migration, the API and the worker the way docker/compose.yml starts
 * them, as the image's non-root user when the test runs as root.
 *
 * Only the two `npm ci` steps are replaced, to spare CI a download of every package: the full
 * install by a link to this checkout's node_modules (installed by `npm ci` from the same lock
 * file), the production install by copies of the packages the lock file does not mark `dev`,
 * so the runtime finds no dev-only package, as in the image.
 */
const ROOT = resolve(__dirname, '..', '..');
const INSTALLED = join(ROOT, 'node_modules');
const NPM_CI_ALL = 'npm ci --no-audit --no-fund';
const NPM_CI_PRODUCTION = 'npm ci --omit=dev --no-audit --no-fund && npm cache clean --force';
/** The official node images' `node` user. */
const IMAGE_USERS: Record<string, number> = { node: 1000 };

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The `command:` of a service in docker/compose.yml (flow sequence of quoted strings). */
function composeCommand(compose: string, service: string): string[] {
  const block = new RegExp(`\\n  ${service}:\\n((?:    .*\\n|\\s*\\n)*)`).exec(compose)?.[1];
  const line = block && /^ {4}command: (\[.*\])$/m.exec(block)?.[1];
  if (!line) throw new Error(`docker/compose.yml: no command for service ${service}`);
  return JSON.parse(line.replace(/'/g, '"')) as string[];
}

describe('drill: the Docker image builds from its own COPY steps and serves the API and pages', () => {
  let scratch: string;
  let standIn: StripeStandIn | undefined;
  let mail: MailCatcher | undefined;
  let dbUrl: string | undefined;
  const running: Started[] = [];

  afterAll(async () => {
    for (const p of running) p.child.kill('SIGKILL');
    await standIn?.close();
    await mail?.close();
    if (dbUrl) await dropDatabase(dbUrl);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('builds, migrates an empty database, and starts the API (with /admin) and the worker', async () => {
    const stages = parseDockerfile(readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8'));
    const runSteps = stages.flatMap((s) => s.steps.filter((step) => step.kind === 'run'));
    // The replaced steps must be the Dockerfile's own: change both together.
    expect(runSteps.map((s) => s.kind === 'run' && s.command)).toEqual([
      NPM_CI_ALL,
      'npm run build',
      NPM_CI_PRODUCTION,
    ]);

    scratch = mkdtempSync(join(tmpdir(), 'pledges-image-'));
    chmodSync(scratch, 0o755);
    const built = buildStages(stages, {
      contextDir: ROOT,
      scratchDir: scratch,
      replaceRun: {
        [NPM_CI_ALL]: (cwd) => linkInstalledPackages(cwd, INSTALLED),
        [NPM_CI_PRODUCTION]: (cwd) => installProductionPackages(cwd, INSTALLED),
      },
    });
    const runtime = built.get(stages.at(-1)!.name) as BuiltStage;
    const app = runtime.path('.');

    // The runtime stage holds the compiled code, the built pages and production packages only.
    expect(runtime.workdir).toBe('/app');
    expect(readdirSync(app).sort()).toEqual([
      'dist',
      'node_modules',
      'package.json',
      'scripts',
      'web',
    ]);
    expect(readdirSync(join(app, 'scripts'))).toEqual(['cli.sh']);
    expect(readdirSync(join(app, 'dist')).sort()).toEqual(['migrations', 'src']);
    expect(readdirSync(join(app, 'web'))).toEqual(['dist']);
    for (const page of ['admin/index.html', 'donor/index.html', 'widget/progress.js'])
      expect(existsSync(join(app, 'web', 'dist', page))).toBe(true);
    const migrationFiles = readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.ts'));
    expect(
      readdirSync(join(app, 'dist', 'migrations')).filter((f) => f.endsWith('.js')),
    ).toHaveLength(migrationFiles.length);
    // (typescript stays: an optional peer of production packages, which --omit=dev keeps.)
    for (const devOnly of ['@nestjs/cli', 'vite', 'jest', 'pino-pretty', '@swc/jest'])
      expect(existsSync(join(app, 'node_modules', devOnly))).toBe(false);
    for (const needed of ['@nestjs/core', 'typeorm', 'pg', 'bullmq', 'stripe'])
      expect(existsSync(join(app, 'node_modules', needed, 'package.json'))).toBe(true);
    const files = listFiles(app);
    expect(files.filter((f) => !f.startsWith('node_modules/') && /\.tsx?$/.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)\.env/.test(f))).toEqual([]);

    // A non-root user, who can read (not write) every file: they stay root's, as COPY leaves them.
    expect(runtime.user).not.toBe('root');
    expect(IMAGE_USERS[runtime.user]).toBeDefined();
    const unreadable = files.filter((f) => {
      const { mode } = lstatSync(join(app, f));
      return f.endsWith('/') ? (mode & 0o005) !== 0o005 : (mode & 0o004) === 0;
    });
    expect(unreadable).toEqual([]);
    const asImageUser =
      process.getuid?.() === 0
        ? { uid: IMAGE_USERS[runtime.user], gid: IMAGE_USERS[runtime.user] }
        : {};

    // docker/compose.yml builds this Dockerfile and runs these commands in the image.
    const compose = readFileSync(join(ROOT, 'docker', 'compose.yml'), 'utf8');
    expect(compose).toMatch(/context: \.\.\n\s+dockerfile: docker\/Dockerfile\n/);
    const commands = {
      migrate: composeCommand(compose, 'migrate'),
      api: composeCommand(compose, 'api'),
      worker: composeCommand(compose, 'worker'),
    };
    expect(commands.api).toEqual(runtime.cmd);
    for (const argv of Object.values(commands)) {
      expect(argv[0]).toBe('node');
      expect(existsSync(join(app, argv[1]))).toBe(true);
    }

    // Like `docker run --env-file`: the image's ENV, then the deployment's variables.
    standIn = await startStripeStandIn({ port: 0 });
    mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    const name = `${runPrefix()}_image_${randomBytes(3).toString('hex')}`;
    await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
    dbUrl = databaseUrl(name);
    const port = await freePort();
    const { NODE_ENV: _testMode, ...deployment } = testEnvironment({
      DATABASE_URL: dbUrl,
      QUEUE_PREFIX: `${name}_q`,
      STRIPE_API_URL: standIn.url,
      STRIPE_WEBHOOK_SECRETS: `whsec_${randomBytes(16).toString('hex')}`,
      SMTP_URL: mail.smtpUrl,
      METRICS_TOKEN: randomBytes(16).toString('hex'),
      PORT: String(port),
    });
    // The user's home (/home/node in the image) is theirs: npm writes its logs there.
    const home = join(scratch, 'home');
    mkdirSync(home);
    if (asImageUser.uid !== undefined) chownSync(home, asImageUser.uid, asImageUser.gid!);
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: home,
      ...runtime.env,
      ...deployment,
    };
    expect(env.NODE_ENV).toBe('production');
    const start = (argv: string[]): Started => {
      const command = argv[0] === 'node' ? process.execPath : argv[0];
      const child = spawn(command, argv.slice(1), { cwd: app, env, ...asImageUser });
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      const started = { child, output: () => output, exited };
      running.push(started);
      return started;
    };

    // The one-shot migration, from dist/migrations, on an empty database.
    const migrate = start(commands.migrate);
    const migrateCode = await migrate.exited;
    expect({ code: migrateCode, output: migrate.output() }).toMatchObject({ code: 0 });
    expect(migrate.output()).toMatch(/^applied: /m);
    const client = new Client({ connectionString: dbUrl });
    await client.connect();
    const applied = await client
      .query(`SELECT count(*)::int AS n FROM typeorm_migrations`)
      .finally(() => client.end());
    expect(applied.rows[0].n).toBe(migrationFiles.length);

    // The first admin key, with the README's operator CLI (`npm run cli`, as in a checkout).
    const cli = start([
      'npm',
      'run',
      '--silent',
      'cli',
      '--',
      'api-key:create',
      '--role',
      'admin',
      '--name',
      'First admin',
    ]);
    expect({ code: await cli.exited, output: cli.output() }).toMatchObject({ code: 0 });
    const adminKey = /^key \(shown once, store it now\): (\S+)$/m.exec(cli.output())?.[1];
    expect(adminKey).toBeDefined();

    // The API (the image's CMD): ready, and the staff dashboard served from web/dist.
    const api = start(runtime.cmd!);
    const base = `http://127.0.0.1:${port}`;
    await eventually(
      async () => {
        if (api.child.exitCode !== null) throw new Error(`the API exited:\n${api.output()}`);
        return (await fetch(`${base}/health/ready`)).status === 200;
      },
      60_000,
      200,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${api.output()}`);
    });
    const admin = await fetch(`${base}/admin`);
    expect(admin.status).toBe(200);
    expect(admin.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await admin.text();
    expect(html).toContain('<title>Staff dashboard</title>');
    expect(html).toContain('<div id="app"></div>');
    const script = /<script type="module"[^>]* src="(\/assets\/admin-[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/donor`)).status).toBe(200);
    expect((await fetch(`${base}/widget/progress.js`)).status).toBe(200);

    // compose.yml's healthcheck of the API (its port is the container's PORT, 3000 there).
    const probe = /- "(fetch\('http:\/\/127\.0\.0\.1:3000\/health\/ready'\).*)"$/m.exec(
      compose,
    )?.[1];
    expect(probe).toBeDefined();
    const healthcheck = start(['node', '-e', probe!.replace(':3000/', `:${port}/`)]);
    expect(await healthcheck.exited).toBe(0);

    // The key works: a campaign created through the image's API, then on its public page.
    const slug = `image-${randomBytes(3).toString('hex')}`;
    const created = await fetch(`${base}/v1/admin/campaigns`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        slug,
        title: 'Release the seven',
        goal: { amount: 1_000_000, currency: 'usd' },
        status: 'active',
      }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${base}/v1/campaigns/${slug}`)).status).toBe(200);

    // The worker consumes its queues; both stop cleanly on SIGTERM, as `docker stop` sends.
    const worker = start(commands.worker);
    await eventually(
      async () => {
        if (worker.child.exitCode !== null)
          throw new Error(`the worker exited:\n${worker.output()}`);
        return worker.output().includes('consuming');
      },
      60_000,
      100,
    );
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(await worker.exited).toBe(0);
  }, 300_000);
});
