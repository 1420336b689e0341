import { decimalSeparator, fromMinor, parseAmount } from './money';

const minor = (input: string, currency: string, locale = 'en-US') => {
  const parsed = parseAmount(input, currency, 'Amount', locale);
  return parsed.ok ? parsed.minor : parsed.message;
};

describe('parseAmount', () => {
  it.each([
    ['25', 'usd', 2500],
    ['25.5', 'usd', 2550],
    ['25.50', 'usd', 2550],
    ['25,50', 'usd', 2550],
    ['25,5', 'eur', 2550],
    [' 0.99 ', 'usd', 99],
    ['.50', 'usd', 50],
    ['25.', 'usd', 2500],
    ['1234', 'usd', 123400],
    ['1234,56', 'eur', 123456],
    ['0,250', 'usd', '^Amount: USD has at most 2 decimals'],
    ['500', 'jpy', 500],
    ['1234', 'jpy', 1234],
    ['1.25', 'kwd', 1250],
    ['1,25', 'kwd', 1250],
    ['1.255', 'kwd', 1255],
    ['0,125', 'kwd', 125],
    ['12.3456', 'kwd', '^Amount: KWD has at most 3 decimals'],
  ])('%p in %s (en-US) is %p', (input, currency, expected) => {
    const got = minor(input, currency);
    if (typeof expected === 'number') expect(got).toBe(expected);
    else expect(got).toMatch(new RegExp(expected));
  });

  it('reads a French donor’s "25,50" as 25.50, not 2550', () => {
    expect(minor('25,50', 'eur', 'fr-FR')).toBe(2550);
    expect(minor('25,50', 'usd', 'en-US')).toBe(2550);
  });

  it.each([
    ['1,234.56', 'usd', 'en-US'],
    ['1.234,56', 'eur', 'de-DE'],
    ['1,234,567', 'usd', 'en-US'],
    ['1 234,56', 'eur', 'fr-FR'],
    ['1\u202f234,56', 'eur', 'fr-FR'],
    ["1'234.50", 'chf', 'de-CH'],
    ['1.2.3', 'usd', 'en-US'],
  ])('refuses the grouping in %p (%s, %s)', (input, currency, locale) => {
    expect(minor(input, currency, locale)).toMatch(/^Amount: ".*" has a thousands separator/);
  });

  it.each([
    ['1,234', 'usd'],
    ['1.234', 'usd'],
    ['12,500', 'eur'],
  ])(
    'refuses %p in %s: a thousands separator or too many decimals, it cannot tell',
    (input, currency) => {
      const message = minor(input, currency);
      expect(message).toMatch(/^Amount: ".*" is ambiguous: type \d+ for the whole amount/);
      expect(message).toContain('has at most 2 decimals');
    },
  );

  it('takes no decimals in a zero-decimal currency', () => {
    expect(minor('500.5', 'jpy')).toMatch(/^Amount: JPY has no decimals/);
    expect(minor('500,0', 'jpy')).toMatch(/^Amount: JPY has no decimals/);
    expect(minor('1,000', 'jpy')).toMatch(/^Amount: "1,000" is ambiguous: type 1000/);
    expect(minor('1.000', 'jpy', 'de-DE')).toMatch(/^Amount: "1.000" is ambiguous: type 1000/);
  });

  it('reads three decimals with the locale’s separator and refuses the other as ambiguous', () => {
    expect(minor('1.250', 'kwd', 'en-US')).toBe(1250);
    expect(minor('1,250', 'kwd', 'fr-FR')).toBe(1250);
    expect(minor('1,250', 'kwd', 'en-US')).toBe(
      'Amount: "1,250" is ambiguous: type 1250 for the whole amount, or 1.250.',
    );
    expect(minor('1.250', 'kwd', 'de-DE')).toMatch(/^Amount: "1.250" is ambiguous: .* or 1,250\.$/);
  });

  it.each(['', '   ', 'abc', '$25', '25 $', '-5', '1e3', '.', ',', '25.50.'])(
    'refuses %p, naming the field',
    (input) => {
      const parsed = parseAmount(input, 'usd', 'New amount', 'en-US');
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.message).toMatch(/^New amount: /);
    },
  );

  it('refuses an amount too large to count exactly', () => {
    expect(minor('123456789012345678', 'usd')).toMatch(/^Amount: .* is too large/);
  });
});

describe('fromMinor', () => {
  it('writes what parseAmount reads back, in the locale’s way', () => {
    for (const [amount, currency] of [
      [2550, 'usd'],
      [500, 'jpy'],
      [1250, 'kwd'],
      [7, 'eur'],
    ] as const)
      for (const locale of ['en-US', 'fr-FR', 'de-DE', 'ar-KW']) {
        const text = fromMinor(amount, currency, locale);
        expect([text, minor(text, currency, locale)]).toEqual([text, amount]);
      }
    expect(fromMinor(2550, 'eur', 'fr-FR')).toBe('25,50');
    expect(fromMinor(2550, 'usd', 'en-US')).toBe('25.50');
    expect(fromMinor(1250, 'kwd', 'en-US')).toBe('1.250');
  });

  it('knows which separator a locale uses for decimals', () => {
    expect(decimalSeparator('en-US')).toBe('.');
    expect(decimalSeparator('fr-FR')).toBe(',');
    expect(decimalSeparator('de-CH')).toBe('.');
    expect(decimalSeparator('ar-KW')).toBe('.');
  });
});
