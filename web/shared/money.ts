/**
 * Amounts from the API are integers in the currency's minor unit. Mirrors the server's rules
 * (src/common/money/currency.ts): zero-decimal and three-decimal currencies per Stripe.
 */
const ZERO_DECIMAL = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));

export function exponent(currency: string): number {
  const c = currency.toLowerCase();
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

const formats = new Map<string, Intl.NumberFormat>();

/** An amount in minor units, in the locale's way (the browser's when none is given). */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const c = currency.toUpperCase();
  const digits = exponent(currency);
  const key = `${locale ?? ''}|${c}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: c,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formats.set(key, format);
  }
  return format.format(amount / 10 ** digits);
}

/**
 * The decimal separator people of this locale write: ',' (fr, de, …) or '.' (en, and locales
 * whose own sign is neither). Undefined: the browser's locale, as formatMoney uses.
 */
export function decimalSeparator(locale?: string): '.' | ',' {
  const sign = new Intl.NumberFormat(locale)
    .formatToParts(1.5)
    .find((part) => part.type === 'decimal')?.value;
  return sign === ',' ? ',' : '.';
}

export type ParsedAmount = { ok: true; minor: number } | { ok: false; message: string };

/**
 * What someone typed in an amount field, in the currency's minor unit ("25,50" or "25.50" in
 * eur → 2550). Strict: digits with at most one decimal separator ('.' or ','), and no more
 * decimals than the currency has (none for jpy, three for kwd). Thousands separators are
 * refused, never guessed: "1,234" is 1234 to some and 1.234 to others. Where both readings fit
 * the currency (a 1-3 digit number, a separator, three digits, in a three-decimal currency),
 * the locale's decimal separator decides and the other one is refused as ambiguous.
 * Every message starts with `field`, the name of the field as its label shows it.
 */
export function parseAmount(
  input: string,
  currency: string,
  field: string,
  locale?: string,
): ParsedAmount {
  const text = input.trim();
  const code = currency.toUpperCase();
  const digits = exponent(currency);
  const sep = decimalSeparator(locale);
  const example = digits ? `1234${sep}${'5'.padEnd(digits, '0')}` : '1234';
  const fail = (why: string): ParsedAmount => ({ ok: false, message: `${field}: ${why}` });
  const decimals = digits
    ? `${code} has at most ${digits} decimal${digits === 1 ? '' : 's'}`
    : `${code} has no decimals`;

  if (!text) return fail(`enter an amount in ${code}, such as ${example}.`);
  const notAnAmount = fail(
    `"${text}" is not an amount in ${code}: type digits only, such as ${example}.`,
  );
  // Spaces (fr: "1 234"), apostrophes (de-CH: "1'234") or a second separator: a grouping.
  if (!/^[\d.,\s'’]+$/.test(text) || !/\d/.test(text)) return notAnAmount;
  if (/[\s'’]/.test(text) || /[.,].*[.,]/.test(text))
    return fail(
      `"${text}" has a thousands separator: type digits with at most one decimal separator, such as ${example}.`,
    );
  const m = /^(\d*)(?:([.,])(\d*))?$/.exec(text);
  if (!m) return notAnAmount;
  const [, whole, separator, fraction = ''] = m;
  if (separator) {
    const grouped = /^[1-9]\d{0,2}$/.test(whole) && fraction.length === 3;
    if (grouped && digits < 3)
      return fail(
        `"${text}" is ambiguous: type ${whole}${fraction} for the whole amount, without a thousands separator (${decimals}).`,
      );
    if (grouped && separator !== sep)
      return fail(
        `"${text}" is ambiguous: type ${whole}${fraction} for the whole amount, or ${whole}${sep}${fraction}.`,
      );
    if (!digits) return fail(`${decimals}: type a whole amount, such as ${example}.`);
    if (fraction.length > digits) return fail(`${decimals}, such as ${example}.`);
  }
  const minor = Number(whole || '0') * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return fail(`"${text}" is too large.`);
  return { ok: true, minor };
}

/** An amount as an amount field shows it: 2550 in eur → "25.50" (or "25,50" where ',' is usual). */
export function fromMinor(amount: number, currency: string, locale?: string): string {
  const digits = exponent(currency);
  return digits
    ? (amount / 10 ** digits).toFixed(digits).replace('.', decimalSeparator(locale))
    : String(amount);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}
