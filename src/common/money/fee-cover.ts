/**
 * The fee model used to gross a gift up when the donor covers fees: a percentage plus a
 * fixed amount per currency (Stripe's card pricing, configured). The real fee is always taken
 * from Stripe's balance transaction afterwards; this only decides what to charge.
 */
export interface FeeModel {
  /** Basis points: 290 = 2.9 %. */
  percentBps: number;
  /** Fixed part per currency, in minor units; currencies not listed have none. */
  fixed: Record<string, number>;
}

/** The fee the model predicts for charging `amount`. Stripe rounds half up to the minor unit. */
export function predictedFee(amount: number, currency: string, model: FeeModel): number {
  return Math.round((amount * model.percentBps) / 10_000) + (model.fixed[currency] ?? 0);
}

/**
 * The smallest charge whose predicted fee leaves at least `intended` for the campaign.
 * Solved in closed form, then adjusted by at most a unit either way for rounding.
 */
export function grossUp(intended: number, currency: string, model: FeeModel): number {
  if (!Number.isSafeInteger(intended) || intended <= 0)
    throw new RangeError('intended must be a positive integer');
  const fixed = model.fixed[currency] ?? 0;
  let charge = Math.ceil(((intended + fixed) * 10_000) / (10_000 - model.percentBps));
  const covers = (c: number) => c - predictedFee(c, currency, model) >= intended;
  while (charge > intended && covers(charge - 1)) charge -= 1;
  while (!covers(charge)) charge += 1;
  return charge;
}

/** `usd:30,eur:25,jpy:0` → { usd: 30, eur: 25, jpy: 0 }. */
export function parseFixedFees(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z]{3}):(\d+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not currency:amount`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}
