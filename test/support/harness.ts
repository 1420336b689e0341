import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Pool } from 'pg';
import Stripe from 'stripe';
import request from 'supertest';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { StaffRole } from '../../src/auth/api-key.entity';
import { createApi, createWorker } from '../../src/bootstrap';
import { validateEnvironment } from '../../src/common/config/environment';
import { STRIPE_API_VERSION } from '../../src/stripe/stripe-gateway';
import { MailCatcher, startMailCatcher } from './mail-catcher/mail-catcher';
import { StripeStandIn, startStripeStandIn } from './stripe-stand-in/stand-in.server';
import {
  createDatabaseFromTemplate,
  dropDatabase,
  runPrefix,
  TEST_REDIS_URL,
} from './test-databases';

export interface TestAppOptions {
  /** Also run the worker (queue consumers) in this process. */
  worker?: boolean;
  /** Extra or overriding environment variables for the app. */
  env?: Record<string, string>;
  /** How the Stripe stand-in retries failed webhook deliveries (short by default). */
  deliveryRetryDelaysMs?: number[];
}

export interface TestApp {
  url: string;
  http: ReturnType<typeof request>;
  api: NestExpressApplication;
  worker?: INestApplicationContext;
  /** Straight SQL against this file's own database, for asserting what was stored. */
  db: Pool;
  databaseUrl: string;
  queuePrefix: string;
  webhookSecret: string;
  /** The stand-in, and an SDK client pointed at it (as a front-end's server would be). */
  standIn: StripeStandIn;
  stripe: Stripe;
  mail: MailCatcher;
  /** Everything the API and worker logged so far, as JSON lines. */
  logs(): string;
  createKey(role: StaffRole): Promise<string>;
  close(): Promise<void>;
}

/**
 * A port to listen on later, free now. Picked at random below the kernel's ephemeral range
 * (32768 and up on Linux), never by asking for port 0: a port 0 hands out is an ephemeral one,
 * which any outgoing connection of a parallel test may take before we listen on it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!free) continue;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }
}

/** The env a test app runs with: everything real, Stripe pointed at the stand-in. */
export function testEnvironment(overrides: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    REDIS_URL: TEST_REDIS_URL,
    STRIPE_SECRET_KEY: 'sk_test_harness',
    SMTP_URL: 'smtp://127.0.0.1:1',
    MAIL_FROM: 'Campaign receipts <receipts@example.org>',
    PUBLIC_BASE_URL: 'http://localhost:3000',
    CORS_ORIGINS: 'https://campaign.example.org',
    MIGRATIONS_RUN: 'false',
    SHUTDOWN_TIMEOUT_MS: '10000',
    RATE_LIMIT_DONATIONS: '100000',
    RATE_LIMIT_DONATIONS_PER_EMAIL: '100000',
    RATE_LIMIT_DONATIONS_PER_CAMPAIGN: '100000',
    RATE_LIMIT_FAILED_PAYMENTS: '100000',
    // No worker /metrics listener, and no self-repair on a timer, unless a test asks for them.
    WORKER_METRICS_PORT: '0',
    MAINTENANCE_STRIPE_SYNC_SCHEDULE: 'off',
    MAINTENANCE_RECONCILE_SCHEDULE: 'off',
    MAINTENANCE_RETRY_STUCK_SCHEDULE: 'off',
    ...overrides,
  };
}

/**
 * Boots the real API (and optionally the worker) in this process against a fresh database
 * cloned from the migrated template, a per-app queue prefix in the machine's Redis, a Stripe
 * stand-in reached over HTTP and a mail catcher reached over SMTP.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  // Whatever was started is stopped again, in reverse order, on close or on a failed start.
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const databaseUrl = await createDatabaseFromTemplate();
    stops.push(() => dropDatabase(databaseUrl));
    const queuePrefix = `${runPrefix()}_${randomBytes(3).toString('hex')}`;
    const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    stops.push(() => mail.close());
    const standIn = await startStripeStandIn({
      port: 0,
      webhooks: [{ url: `${url}/v1/stripe/webhook`, secret: webhookSecret }],
      deliveryRetryDelaysMs: options.deliveryRetryDelaysMs ?? [100, 300, 1000],
    });
    stops.push(() => standIn.close());
    const lines: string[] = [];
    const destination = { write: (line: string) => void lines.push(line) };

    Object.assign(
      process.env,
      testEnvironment({
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        QUEUE_PREFIX: queuePrefix,
        STRIPE_API_URL: standIn.url,
        STRIPE_WEBHOOK_SECRETS: webhookSecret,
        SMTP_URL: mail.smtpUrl,
        ...options.env,
      }),
    );
    const env = validateEnvironment(process.env);
    const db = new Pool({ connectionString: databaseUrl, max: 4 });
    // Outage drills terminate this database's connections; an idle client's error is expected.
    db.on('error', () => undefined);
    stops.push(() => db.end());
    const api = await createApi(env, { destination });
    stops.push(() => api.close());
    await api.listen(port, '127.0.0.1');
    const worker = options.worker ? await createWorker({ destination }) : undefined;
    if (worker) stops.push(() => worker.close());
    const stripe = new Stripe('sk_test_harness', {
      apiVersion: STRIPE_API_VERSION,
      host: '127.0.0.1',
      port: standIn.port,
      protocol: 'http',
    });

    return {
      url,
      http: request(url),
      api,
      worker,
      db,
      databaseUrl,
      queuePrefix,
      webhookSecret,
      standIn,
      stripe,
      mail,
      logs: () => lines.join(''),
      createKey: async (role) => (await api.get(ApiKeysService).create(`test ${role}`, role)).key,
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Polls until `check` returns a truthy value (or throws its last error after the timeout). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as T;
      if (Date.now() > deadline) throw new Error(`condition still false after ${timeoutMs} ms`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
