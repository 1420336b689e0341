import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ENVIRONMENT_VARIABLES, validateEnvironment } from './environment';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/pledges',
  REDIS_URL: 'redis://127.0.0.1:6379',
  STRIPE_SECRET_KEY: 'sk_test_123',
  STRIPE_WEBHOOK_SECRETS: 'whsec_old, whsec_new',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  MAIL_FROM: 'Receipts <receipts@example.org>',
  PUBLIC_BASE_URL: 'https://give.example.org',
};

describe('validateEnvironment', () => {
  it('parses a valid environment with defaults', () => {
    const env = validateEnvironment(valid);
    expect(env.PORT).toBe(3000);
    expect(env.STRIPE_WEBHOOK_SECRETS).toEqual(['whsec_old', 'whsec_new']);
    expect(env.STRIPE_API_URL).toBe('https://api.stripe.com');
    expect(env.CORS_ORIGINS).toEqual([]);
    expect(env.MIGRATIONS_RUN).toBe(true);
    expect(env.WORKER_CONCURRENCY).toBe(8);
    expect(env.STRIPE_EVENTS_CONCURRENCY).toBe(64);
    expect(env.DATABASE_POOL_SIZE).toBe(20);
  });

  it.each([
    [
      'DATABASE_URL',
      undefined,
      'Invalid configuration: DATABASE_URL is required (must be a postgres:// URL)',
    ],
    ['DATABASE_URL', 'mysql://x', 'Invalid configuration: DATABASE_URL must be a postgres:// URL'],
    ['PORT', '70000', 'Invalid configuration: PORT must not be greater than 65535'],
    [
      'STRIPE_WEBHOOK_SECRETS',
      'whsec_a,nope',
      'Invalid configuration: STRIPE_WEBHOOK_SECRETS must be a comma-separated list of Stripe webhook secrets (whsec_…)',
    ],
    ['MIGRATIONS_RUN', 'maybe', 'Invalid configuration: MIGRATIONS_RUN must be true or false'],
    [
      'STRIPE_EVENTS_CONCURRENCY',
      'lots',
      'Invalid configuration: STRIPE_EVENTS_CONCURRENCY must be a whole number of jobs',
    ],
    [
      'DATABASE_POOL_SIZE',
      '1',
      'Invalid configuration: DATABASE_POOL_SIZE must not be less than 2',
    ],
    [
      'CURSOR_SECRET',
      'too-short',
      'Invalid configuration: CURSOR_SECRET must be at least 32 characters, without spaces',
    ],
    [
      'CORS_ORIGINS',
      'example.org',
      'Invalid configuration: CORS_ORIGINS must be a comma-separated list of origins such as https://example.org (or *)',
    ],
  ])('names %s when it is %p', (name, value, message) => {
    const error = (() => {
      try {
        validateEnvironment({ ...valid, [name]: value });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toBe(message);
  });

  it('refuses production with CORS_ORIGINS=* unless CHECKOUT_RETURN_HOSTS names the sites Checkout returns to', () => {
    const production = { ...valid, NODE_ENV: 'production', METRICS_PUBLIC: 'true' };
    expect(validateEnvironment(production).CHECKOUT_RETURN_HOSTS).toEqual([]);
    expect(() => validateEnvironment({ ...production, CORS_ORIGINS: '*' })).toThrow(
      new ConfigError(
        'Invalid configuration: CHECKOUT_RETURN_HOSTS is required (with NODE_ENV=production and CORS_ORIGINS=*: the campaign sites Checkout may send donors back to, e.g. free-the-seven.example.org)',
      ),
    );
    const named = {
      ...production,
      CORS_ORIGINS: '*',
      CHECKOUT_RETURN_HOSTS: 'a.example,b.example',
    };
    expect(validateEnvironment(named).CHECKOUT_RETURN_HOSTS).toEqual(['a.example', 'b.example']);
    expect(() =>
      validateEnvironment({ ...named, CHECKOUT_RETURN_HOSTS: 'https://a.example/' }),
    ).toThrow(
      new ConfigError(
        'Invalid configuration: CHECKOUT_RETURN_HOSTS must be a comma-separated list of host names such as example.org',
      ),
    );
    // Outside production, * with no list stays possible (any host, for trying things out).
    expect(validateEnvironment({ ...valid, CORS_ORIGINS: '*' }).CHECKOUT_RETURN_HOSTS).toEqual([]);
  });

  it('refuses to start in production with /metrics open, unless METRICS_PUBLIC=true says so', () => {
    const production = { ...valid, NODE_ENV: 'production' };
    expect(() => validateEnvironment(production)).toThrow(
      new ConfigError(
        'Invalid configuration: METRICS_TOKEN is required (with NODE_ENV=production; or set METRICS_PUBLIC=true to serve /metrics without a token)',
      ),
    );
    expect(() => validateEnvironment({ ...production, METRICS_TOKEN: '' })).toThrow(
      /^Invalid configuration: METRICS_TOKEN is required/,
    );
    expect(() => validateEnvironment({ ...production, METRICS_TOKEN: 'short' })).toThrow(
      new ConfigError(
        'Invalid configuration: METRICS_TOKEN must be at least 16 characters without spaces',
      ),
    );
    const token = 'scrape-token-0123456789';
    expect(validateEnvironment({ ...production, METRICS_TOKEN: token }).METRICS_TOKEN).toBe(token);
    const open = validateEnvironment({ ...production, METRICS_PUBLIC: 'true' });
    expect(open.METRICS_PUBLIC).toBe(true);
    expect(open.METRICS_TOKEN).toBeUndefined();
    expect(() => validateEnvironment({ ...production, METRICS_PUBLIC: 'false' })).toThrow(
      /^Invalid configuration: METRICS_TOKEN is required/,
    );
    expect(() => validateEnvironment({ ...production, METRICS_PUBLIC: 'maybe' })).toThrow(
      /^Invalid configuration: METRICS_PUBLIC must be true or false/,
    );
    // Elsewhere a token stays optional.
    expect(validateEnvironment(valid).METRICS_TOKEN).toBeUndefined();
    expect(validateEnvironment(valid).METRICS_PUBLIC).toBe(false);
  });

  it('refuses a schedule BullMQ could not run, naming the variable, and accepts cron, intervals and off', () => {
    expect(() =>
      validateEnvironment({ ...valid, MAINTENANCE_RECONCILE_SCHEDULE: '61 * * * *' }),
    ).toThrow(
      /^Invalid configuration: MAINTENANCE_RECONCILE_SCHEDULE must be a cron pattern such as "0 3 \* \* \*", an interval such as 5m or 1h, or off \(.*61.*\)$/,
    );
    for (const bad of ['0 3 * *', 'every day', '0s', '5d', '0 25 * * *', '* * * * 8']) {
      expect(() =>
        validateEnvironment({ ...valid, MAINTENANCE_RETRY_STUCK_SCHEDULE: bad }),
      ).toThrow(/^Invalid configuration: MAINTENANCE_RETRY_STUCK_SCHEDULE must be a cron pattern/);
    }
    for (const good of [
      '0 3 * * *',
      '*/5 * * * *',
      '0 0 3 * * MON-FRI',
      '30s',
      '5m',
      '1h',
      'off',
    ]) {
      expect(
        validateEnvironment({ ...valid, MAINTENANCE_STRIPE_SYNC_SCHEDULE: good })
          .MAINTENANCE_STRIPE_SYNC_SCHEDULE,
      ).toBe(good);
    }
  });

  it('never prints the rejected value (it may be a secret)', () => {
    expect(() =>
      validateEnvironment({ ...valid, STRIPE_SECRET_KEY: 'pk_live_secretvalue' }),
    ).toThrow(/^Invalid configuration: STRIPE_SECRET_KEY must be a Stripe secret key/);
    try {
      validateEnvironment({ ...valid, STRIPE_SECRET_KEY: 'pk_live_secretvalue' });
    } catch (e) {
      expect((e as Error).message).not.toContain('secretvalue');
    }
  });
});

describe('.env.example', () => {
  it('documents every variable the service reads, each with a comment', () => {
    const lines = readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8').split(
      '\n',
    );
    for (const name of ENVIRONMENT_VARIABLES) {
      const at = lines.findIndex((l) => l.startsWith(`${name}=`) || l.startsWith(`# ${name}=`));
      expect({ name, documented: at > 0 && lines[at - 1].startsWith('#') }).toEqual({
        name,
        documented: true,
      });
    }
    expect(ENVIRONMENT_VARIABLES).toEqual(
      expect.arrayContaining(['PORT', 'DATABASE_URL', 'STRIPE_API_URL', 'LOG_LEVEL']),
    );
  });
});
