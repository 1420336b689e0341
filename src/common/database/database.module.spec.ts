import { validateEnvironment } from '../config/environment';
import { poolOptions } from './database.module';

const env = (extra: Record<string, string> = {}) =>
  validateEnvironment({
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/pledges',
    REDIS_URL: 'redis://127.0.0.1:6379',
    STRIPE_SECRET_KEY: 'sk_test_123',
    STRIPE_WEBHOOK_SECRETS: 'whsec_a',
    SMTP_URL: 'smtp://127.0.0.1:1025',
    MAIL_FROM: 'Receipts <receipts@example.org>',
    PUBLIC_BASE_URL: 'https://give.example.org',
    ...extra,
  });

describe('poolOptions', () => {
  it('gives every process DATABASE_POOL_SIZE connections, whatever the job concurrency', () => {
    const busy = env({ WORKER_CONCURRENCY: '200', STRIPE_EVENTS_CONCURRENCY: '500' });
    expect(poolOptions(busy, true).size).toBe(20);
    expect(poolOptions(busy, false).size).toBe(20);
    expect(poolOptions(env({ DATABASE_POOL_SIZE: '7' }), true).size).toBe(7);
  });

  it("lets a worker's query wait longer for a connection than a request's, and names the worker's connections", () => {
    expect(poolOptions(env(), true)).toMatchObject({
      connectionTimeoutMs: 30_000,
      applicationName: 'pledges-worker',
    });
    expect(poolOptions(env(), false)).toMatchObject({
      connectionTimeoutMs: 5000,
      applicationName: 'pledges',
    });
  });
});
