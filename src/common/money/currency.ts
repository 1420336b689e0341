/**
 * Stripe's currency rules, in one place: minor-unit exponents, minimum charge amounts and
 * what an amount must look like. Everyone else asks this file.
 */

/** No minor unit: 500 jpy is ¥500. */
const ZERO_DECIMAL = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);
/** Three decimals, and Stripe accepts only amounts whose last digit is 0. */
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));

/**
 * Stripe's minimum charge per currency, in minor units (its published table). Currencies not
 * listed use the equivalent of 50 US cents, which Stripe enforces at settlement; we apply 50
 * minor units as a floor.
 */
const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
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

/** Stripe's ceiling on one charge: eight digits in the minor unit (99,999,999). */
export const MAXIMUM_CHARGE = 99_999_999;

export function exponent(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

export function minimumCharge(currency: string): number {
  const floor = MINIMUM_CHARGE[currency] ?? 50;
  // A three-decimal minimum must itself end in 0.
  return THREE_DECIMAL.has(currency) ? Math.ceil(floor / 10) * 10 : floor;
}

/** Why Stripe would refuse this amount in this currency, or null when it would accept it. */
export function chargeAmountProblem(amount: number, currency: string): string | null {
  if (!Number.isSafeInteger(amount))
    return 'amount must be an integer in the currency’s minor unit';
  const min = minimumCharge(currency);
  if (amount < min) return `amount must be at least ${min} (${formatMoney(min, currency)})`;
  if (amount > MAXIMUM_CHARGE) return `amount must be at most ${MAXIMUM_CHARGE}`;
  if (THREE_DECIMAL.has(currency) && amount % 10 !== 0) {
    return `amount in ${currency} must end in 0 (Stripe charges three-decimal currencies in steps of 10)`;
  }
  return null;
}

/** The nearest amount at or above `amount` that Stripe can charge in this currency. */
export function roundUpToChargeable(amount: number, currency: string): number {
  return THREE_DECIMAL.has(currency) ? Math.ceil(amount / 10) * 10 : amount;
}

/** "$12.50", "¥500", "KWD 1.250": the amount as a donor reads it. */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  return formatter(currency, locale).format(amount / 10 ** exponent(currency));
}

// Building an Intl.NumberFormat is costly (it showed in the pipeline's CPU profile): one per
// currency and locale is kept.
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let format = formatters.get(key);
  if (!format) {
    const digits = exponent(currency);
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, format);
  }
  return format;
}
