import { bigintTransformer, toSafeInteger } from './bigint.transformer';

describe('bigint transformer', () => {
  it('converts integer strings exactly', () => {
    expect(bigintTransformer.from('0')).toBe(0);
    expect(bigintTransformer.from('-1500')).toBe(-1500);
    expect(bigintTransformer.from(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(bigintTransformer.from(null)).toBeNull();
  });

  it('refuses integers a number cannot hold and non-integers', () => {
    expect(() => toSafeInteger('9007199254740993')).toThrow(RangeError);
    expect(() => toSafeInteger('12.5')).toThrow(RangeError);
    expect(() => toSafeInteger('abc')).toThrow(RangeError);
  });
});
