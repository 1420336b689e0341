/**
 * Stripe's currency rules, as far as the stand-in needs them: minor-unit exponents, minimum
 * charge amounts, and converting a presentment amount into the settlement currency.
 */
import { invalidRequest } from './errors';

/** No minor unit: an amount of 500 jpy is ¥500. */
export const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

/** Three decimals; Stripe requires the last digit of the amount to be 0. */
export const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export function exponent(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/** Stripe's published minimum charge amounts, in minor units. */
export const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  usd: 50,
  aed: 200,
  aud: 50,
  bgn: 100,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  pln: 200,
  ron: 200,
  sek: 300,
  sgd: 50,
  thb: 1000,
};

/** Stripe's limit for a single charge: eight digits in the minor unit. */
export const MAXIMUM_CHARGE = 99_999_999;

const SYMBOLS: Record<string, string> = { usd: '$', eur: '€', gbp: '£', jpy: '¥' };

/** 1050 usd -> '$10.50' ; 500 jpy -> '¥500' ; 123456 sek -> '1,234.56' */
export function formatAmount(amount: number, currency: string): string {
  const digits = exponent(currency);
  const major = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(Math.abs(amount) / 10 ** digits);
  return `${amount < 0 ? '-' : ''}${SYMBOLS[currency] ?? ''}${major}`;
}

export function normalizeCurrency(value: string, param = 'currency'): string {
  const currency = value.toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) {
    throw invalidRequest(
      `Invalid currency: ${value}. Stripe currently supports these currencies: usd, eur, gbp, ...`,
      {
        param,
        code: 'parameter_invalid_string',
      },
    );
  }
  return currency;
}

/** Validates a charge amount the way PaymentIntent and Checkout creation do. */
export function assertChargeAmount(amount: number, currency: string, param = 'amount'): void {
  if (amount < 1) {
    throw invalidRequest('This value must be greater than or equal to 1.', {
      param,
      code: 'parameter_invalid_integer',
    });
  }
  const minimum = MINIMUM_CHARGE[currency];
  if (minimum !== undefined && amount < minimum) {
    throw invalidRequest(`Amount must be at least ${formatAmount(minimum, currency)} ${currency}`, {
      param,
      code: 'amount_too_small',
    });
  }
  if (amount > MAXIMUM_CHARGE) {
    throw invalidRequest(
      `Amount must be no more than ${formatAmount(MAXIMUM_CHARGE, currency)} ${currency}`,
      { param, code: 'amount_too_large' },
    );
  }
  if (THREE_DECIMAL.has(currency) && amount % 10 !== 0) {
    throw invalidRequest(
      `Invalid amount for ${currency}: amounts in three-decimal currencies must end in 0 (the smallest chargeable unit is 10). Round ${amount} to the nearest ten.`,
      { param },
    );
  }
}

/**
 * Converts minor units of `from` into minor units of `to`. `rate` is Stripe's exchange_rate:
 * units of `to` per unit of `from`, in major units.
 */
export function convert(amount: number, from: string, to: string, rate: number): number {
  const major = amount / 10 ** exponent(from);
  return Math.round(major * rate * 10 ** exponent(to));
}

/**
 * Rough units of each zero-decimal currency per US dollar, used only to scale the fixed part
 * of the simulated fee (30 cents by default) into something plausible; not real rates.
 */
const ZERO_DECIMAL_PER_USD: Record<string, number> = {
  bif: 2900,
  clp: 950,
  djf: 178,
  gnf: 8600,
  jpy: 150,
  kmf: 450,
  krw: 1400,
  mga: 4500,
  pyg: 7500,
  rwf: 1400,
  ugx: 3700,
  vnd: 25000,
  vuv: 120,
  xaf: 600,
  xof: 600,
  xpf: 110,
};

/**
 * Scales an amount expressed in minor units of a two-decimal currency (the fee options) to
 * `currency`: unchanged for two decimals, x10 for three decimals, and through the rough
 * per-dollar table above for zero-decimal currencies (30 -> ¥45).
 */
export function scaleFixedAmount(twoDecimalMinor: number, currency: string): number {
  const digits = exponent(currency);
  if (digits === 3) return twoDecimalMinor * 10;
  if (digits === 0)
    return Math.round((twoDecimalMinor / 100) * (ZERO_DECIMAL_PER_USD[currency] ?? 100));
  return twoDecimalMinor;
}
