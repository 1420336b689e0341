import { presentedKey } from './queue-dashboard';

const basic = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;

describe('presentedKey', () => {
  it('takes a bearer key, or the Basic password a browser prompt sends', () => {
    expect(presentedKey('Bearer pbk_abc_def')).toBe('pbk_abc_def');
    expect(presentedKey(basic('staff:pbk_abc_def'))).toBe('pbk_abc_def');
    expect(presentedKey(basic('pbk_abc_def:'))).toBe('pbk_abc_def');
    expect(presentedKey(basic('pbk_abc_def'))).toBe('pbk_abc_def');
  });

  it('finds nothing in a missing or malformed header', () => {
    expect(presentedKey(undefined)).toBeUndefined();
    expect(presentedKey('Token abc')).toBeUndefined();
    expect(presentedKey('Basic !!!')).toBeUndefined();
    expect(presentedKey(basic(':'))).toBeUndefined();
  });
});
