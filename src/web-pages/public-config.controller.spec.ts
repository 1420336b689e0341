import { validateEnvironment } from '../common/config/environment';
import { PublicConfigController } from './public-config.controller';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/pledges',
  REDIS_URL: 'redis://127.0.0.1:6379',
  STRIPE_SECRET_KEY: 'sk_test_123',
  STRIPE_WEBHOOK_SECRETS: 'whsec_one',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  MAIL_FROM: 'Receipts <receipts@example.org>',
  PUBLIC_BASE_URL: 'https://give.example.org',
  // Production wants /metrics behind a token.
  METRICS_TOKEN: 'metrics-token-for-tests',
};

const noCaptcha = {
  captchaRequired: false,
  captchaSiteKey: null,
  organizationName: 'Campaign organisation',
};

const configOf = (env: Record<string, string>) =>
  new PublicConfigController(validateEnvironment({ ...base, ...env })).get();

describe('GET /v1/config (what the pages are told)', () => {
  it('simulates card forms with a Stripe stand-in outside production', () => {
    for (const NODE_ENV of ['development', 'test'])
      expect(configOf({ NODE_ENV, STRIPE_API_URL: 'http://127.0.0.1:12111' })).toEqual({
        stripePublishableKey: null,
        simulated: true,
        standInUrl: 'http://127.0.0.1:12111',
        ...noCaptcha,
      });
  });

  it('never offers simulation in production, even with the stand-in’s URL', () => {
    expect(configOf({ NODE_ENV: 'production', STRIPE_API_URL: 'http://127.0.0.1:12111' })).toEqual({
      stripePublishableKey: null,
      simulated: false,
      ...noCaptcha,
    });
  });

  it('with Stripe itself: not simulated, the publishable key when there is one', () => {
    expect(configOf({ NODE_ENV: 'development' })).toEqual({
      stripePublishableKey: null,
      simulated: false,
      ...noCaptcha,
    });
    expect(configOf({ NODE_ENV: 'production', STRIPE_PUBLISHABLE_KEY: 'pk_live_abc' })).toEqual({
      stripePublishableKey: 'pk_live_abc',
      simulated: false,
      ...noCaptcha,
    });
  });

  it('tells front-ends whether a CAPTCHA is required, and its site key', () => {
    expect(
      configOf({
        CAPTCHA_SECRET: 'secret',
        CAPTCHA_VERIFY_URL: 'https://captcha.example.org/siteverify',
        CAPTCHA_SITE_KEY: 'site-key-1',
      }),
    ).toMatchObject({ captchaRequired: true, captchaSiteKey: 'site-key-1' });
  });

  it('names the organisation (ORGANIZATION_NAME), for the pages’ headers', () => {
    expect(configOf({ ORGANIZATION_NAME: 'Friends of Ashraf' }).organizationName).toBe(
      'Friends of Ashraf',
    );
  });
});
