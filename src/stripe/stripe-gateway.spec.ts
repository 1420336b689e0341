import { validateEnvironment } from '../common/config/environment';
import { StripeGateway, idempotencyKey } from './stripe-gateway';

describe('idempotencyKey', () => {
  it('derives the same key from the same operation and ids', () => {
    expect(idempotencyKey('refund', 'd1b2', 2)).toBe('refund:d1b2:2');
    expect(idempotencyKey('payment_intent', 'abc')).toBe(idempotencyKey('payment_intent', 'abc'));
  });

  it('refuses keys that could collide or exceed Stripe’s 255 characters', () => {
    expect(() => idempotencyKey('refund')).toThrow();
    expect(() => idempotencyKey('refund', 'a:b')).toThrow();
    expect(() => idempotencyKey('refund', '')).toThrow();
    expect(() => idempotencyKey('refund', 'x'.repeat(300))).toThrow();
    expect(() => idempotencyKey('Bad Op', 'x')).toThrow();
  });
});

describe('StripeGateway', () => {
  it('points the SDK at STRIPE_API_URL', () => {
    const env = validateEnvironment({
      DATABASE_URL: 'postgres://x/y',
      REDIS_URL: 'redis://x',
      STRIPE_SECRET_KEY: 'sk_test_abc',
      STRIPE_WEBHOOK_SECRETS: 'whsec_a',
      STRIPE_API_URL: 'http://127.0.0.1:12111',
      SMTP_URL: 'smtp://127.0.0.1:1025',
      MAIL_FROM: 'a@b.org',
      PUBLIC_BASE_URL: 'http://localhost:3000',
    });
    const settings = new StripeGateway(env).endpoint;
    expect(settings.host).toBe('127.0.0.1');
    expect(String(settings.port)).toBe('12111');
    expect(settings.protocol).toBe('http');
  });
});
