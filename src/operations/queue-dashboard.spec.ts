import { Request } from 'express';
import { cookieValue, presentedKey, sameOrigin } from './queue-dashboard';

const basic = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;

describe('presentedKey', () => {
  it('takes a bearer key only: HTTP Basic (ambient in browsers) is not a key', () => {
    expect(presentedKey('Bearer pbk_abc_def')).toBe('pbk_abc_def');
    expect(presentedKey(basic('staff:pbk_abc_def'))).toBeUndefined();
    expect(presentedKey(basic('pbk_abc_def'))).toBeUndefined();
  });

  it('finds nothing in a missing or malformed header', () => {
    expect(presentedKey(undefined)).toBeUndefined();
    expect(presentedKey('Token abc')).toBeUndefined();
  });
});

describe('cookieValue', () => {
  it('finds one cookie among others', () => {
    expect(cookieValue('a=1; queues_session=tok; b=2', 'queues_session')).toBe('tok');
    expect(cookieValue('a=1', 'queues_session')).toBeUndefined();
    expect(cookieValue(undefined, 'queues_session')).toBeUndefined();
  });
});

describe('sameOrigin', () => {
  const req = (headers: Record<string, string>) =>
    ({ headers: { host: 'pledges.example', ...headers } }) as unknown as Request;

  it('trusts Sec-Fetch-Site: same-origin; refuses same-site and cross-site', () => {
    expect(sameOrigin(req({ 'sec-fetch-site': 'same-origin' }), 'PUT')).toBe(true);
    expect(sameOrigin(req({ 'sec-fetch-site': 'same-site' }), 'GET')).toBe(false);
    expect(sameOrigin(req({ 'sec-fetch-site': 'cross-site' }), 'PUT')).toBe(false);
    expect(sameOrigin(req({ 'sec-fetch-site': 'none' }), 'GET')).toBe(true);
    expect(sameOrigin(req({ 'sec-fetch-site': 'none' }), 'PUT')).toBe(false);
  });

  it('falls back to Origin, and refuses a change that names neither', () => {
    expect(sameOrigin(req({ origin: 'https://pledges.example' }), 'PUT')).toBe(true);
    expect(sameOrigin(req({ origin: 'https://evil.example' }), 'PUT')).toBe(false);
    expect(sameOrigin(req({}), 'PUT')).toBe(false);
    expect(sameOrigin(req({}), 'GET')).toBe(true);
  });
});
