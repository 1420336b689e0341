import { parseTrustProxy } from './trust-proxy';
import { validateEnvironment } from './environment';

describe('parseTrustProxy', () => {
  it.each([
    ['1', 1],
    ['0', 0],
    [' 2 ', 2],
    ['loopback', ['loopback']],
    ['loopback, uniquelocal,linklocal', ['loopback', 'uniquelocal', 'linklocal']],
    ['10.0.0.0/8, 192.0.2.7', ['10.0.0.0/8', '192.0.2.7']],
    ['2001:DB8::/32,::1', ['2001:db8::/32', '::1']],
  ])('reads %j', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each([
    'true',
    'all',
    '-1',
    '1.5',
    '101',
    '',
    'loopback,',
    '10.0.0.0/33',
    '2001:db8::/129',
    '10.0.0/8',
    '10.0.0.0/8/1',
    '10.0.0.0/abc',
    'proxy.example.org',
  ])('refuses %j', (raw) => {
    expect(parseTrustProxy(raw)).toBeNull();
  });
});

describe('TRUST_PROXY at boot', () => {
  const base = {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/pledges',
    REDIS_URL: 'redis://127.0.0.1:6379',
    STRIPE_SECRET_KEY: 'sk_test_123',
    STRIPE_WEBHOOK_SECRETS: 'whsec_one',
    SMTP_URL: 'smtp://127.0.0.1:1025',
    MAIL_FROM: 'Receipts <receipts@example.org>',
    PUBLIC_BASE_URL: 'https://give.example.org',
  };

  it('believes a proxy on the same machine only, by default', () => {
    expect(validateEnvironment(base).TRUST_PROXY).toEqual(['loopback']);
  });

  it('takes a hop count or a list', () => {
    expect(validateEnvironment({ ...base, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(validateEnvironment({ ...base, TRUST_PROXY: '10.1.0.0/16' }).TRUST_PROXY).toEqual([
      '10.1.0.0/16',
    ]);
  });

  it('stops start-up with one line naming it, without the value', () => {
    expect(() => validateEnvironment({ ...base, TRUST_PROXY: 'true' })).toThrow(
      'Invalid configuration: TRUST_PROXY must be a hop count such as 1, or a comma-separated list of proxy IPs or CIDR ranges (or loopback, linklocal, uniquelocal)',
    );
  });

  it('wants CAPTCHA_SECRET and CAPTCHA_VERIFY_URL together', () => {
    expect(() => validateEnvironment({ ...base, CAPTCHA_SECRET: 's' })).toThrow(
      'Invalid configuration: CAPTCHA_VERIFY_URL is required',
    );
    expect(() =>
      validateEnvironment({ ...base, CAPTCHA_VERIFY_URL: 'https://c.example.org/siteverify' }),
    ).toThrow('Invalid configuration: CAPTCHA_SECRET is required');
  });
});
