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

export function formatMoney(amount: number, currency: string): string {
  const c = currency.toUpperCase();
  const digits = exponent(currency);
  let format = formats.get(c);
  if (!format) {
    format = new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: c,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formats.set(c, format);
  }
  return format.format(amount / 10 ** digits);
}

/** "25.50" in usd → 2550; null when it is not an amount in that currency. */
export function toMinor(input: string, currency: string): number | null {
  const digits = exponent(currency);
  const text = input.trim().replace(/,/g, '');
  const pattern = digits ? new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`) : /^\d+$/;
  if (!pattern.test(text)) return null;
  const [whole, fraction = ''] = text.split('.');
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || 0);
  return Number.isSafeInteger(minor) ? minor : null;
}

export function fromMinor(amount: number, currency: string): string {
  const digits = exponent(currency);
  return digits ? (amount / 10 ** digits).toFixed(digits) : String(amount);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}
