import { invalidField } from '../common/errors/domain-error';
import { MAXIMUM_CHARGE, chargeAmountProblem } from '../common/money/currency';

/** The smallest and largest gift in one currency, in its minor unit. */
export interface GiftLimit {
  min?: number;
  max?: number;
}

/** Per accepted currency other than the goal's (whose limits are minAmount/maxAmount). */
export type GiftLimits = Record<string, GiftLimit>;

interface LimitedCampaign {
  goalCurrency: string;
  currencies: string[];
  minAmount: number | null;
  maxAmount: number | null;
  limits: GiftLimits | null;
}

/** A 400 naming the field the message starts with (`limits.eur.min`, `limits`). */
const bad = (message: string) =>
  invalidField(/^[A-Za-z][\w.]*/.exec(message)![0], 'invalid_limits', message);

/** True when the campaign limits gifts in any currency. */
export function hasLimits(c: LimitedCampaign): boolean {
  return c.minAmount !== null || c.maxAmount !== null || Object.keys(c.limits ?? {}).length > 0;
}

/**
 * The limits a gift in `currency` is held to: the goal currency's are minAmount/maxAmount,
 * another currency's its `limits` entry. Null when the campaign limits nothing (Stripe's own
 * bounds only). A campaign that limits gifts but names no limit for this currency refuses it:
 * without exchange rates the goal currency's limits cannot be carried over, and an unlimited
 * currency would be a way around them.
 */
export function limitFor(c: LimitedCampaign, currency: string): GiftLimit | null {
  const own =
    currency === c.goalCurrency
      ? c.minAmount !== null || c.maxAmount !== null
        ? { min: c.minAmount ?? undefined, max: c.maxAmount ?? undefined }
        : undefined
      : c.limits?.[currency];
  if (own) return own;
  if (!hasLimits(c)) return null;
  throw invalidField(
    'currency',
    'not_accepted',
    `currency ${currency} has no gift limits on this campaign: staff must set limits.${currency} before it takes gifts in ${currency}`,
  );
}

/**
 * Checks `limits` as sent (`limits.eur.min`...), and folds an entry for the goal currency into
 * minAmount/maxAmount. Throws a 400 naming the field.
 */
export function normaliseLimits(
  raw: unknown,
  c: {
    goalCurrency: string;
    currencies: string[];
    minAmount: number | null;
    maxAmount: number | null;
  },
): { limits: GiftLimits; minAmount: number | null; maxAmount: number | null } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw bad('limits must be an object such as { "eur": { "min": 500, "max": 100000 } }');
  }
  const limits: GiftLimits = {};
  let { minAmount, maxAmount } = c;
  for (const [currency, entry] of Object.entries(raw as Record<string, unknown>)) {
    const field = `limits.${currency}`;
    if (!/^[a-z]{3}$/.test(currency))
      throw bad(`${field}: currency must be a lower-case three-letter ISO code such as eur`);
    if (!c.currencies.includes(currency)) {
      throw bad(
        `${field}: ${currency} is not accepted by this campaign (accepted: ${c.currencies.join(', ')})`,
      );
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw bad(`${field} must be an object with min and/or max`);
    const limit: GiftLimit = {};
    for (const [name, value] of Object.entries(entry as Record<string, unknown>)) {
      if (name !== 'min' && name !== 'max')
        throw bad(`${field}.${name} is not a limit: use min and max`);
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
        throw bad(`${field}.${name} must be a positive integer in the currency’s minor unit`);
      }
      if (value > MAXIMUM_CHARGE) throw bad(`${field}.${name} must be at most ${MAXIMUM_CHARGE}`);
      limit[name] = value;
    }
    if (limit.min === undefined && limit.max === undefined)
      throw bad(`${field} must set min, max or both`);
    if (limit.min !== undefined) {
      const problem = chargeAmountProblem(limit.min, currency);
      if (problem) throw bad(`${field}.min: ${problem.replace(/^amount /, '')}`);
    }
    if (limit.min !== undefined && limit.max !== undefined && limit.min > limit.max)
      throw bad(`${field}.min must not be greater than ${field}.max`);
    if (currency === c.goalCurrency) {
      minAmount = limit.min ?? null;
      maxAmount = limit.max ?? null;
    } else {
      limits[currency] = limit;
    }
  }
  return { limits, minAmount, maxAmount };
}

/**
 * A campaign that limits gifts must limit them in every currency it accepts (see limitFor);
 * entries for currencies it no longer accepts are dropped.
 */
export function assertLimitsComplete(c: LimitedCampaign): GiftLimits {
  const kept = Object.fromEntries(
    Object.entries(c.limits ?? {}).filter(([currency]) => c.currencies.includes(currency)),
  );
  const campaign = { ...c, limits: kept };
  if (!hasLimits(campaign)) return kept;
  for (const currency of c.currencies) {
    if (currency === c.goalCurrency) {
      if (c.minAmount === null && c.maxAmount === null) {
        throw bad(
          `limits.${currency} (or minAmount/maxAmount) is required: this campaign limits gifts in other currencies`,
        );
      }
    } else if (!kept[currency]) {
      throw bad(
        `limits.${currency} is required: this campaign limits gifts, and limits in ${c.goalCurrency} cannot be converted to ${currency}`,
      );
    }
  }
  return kept;
}
