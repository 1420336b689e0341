import { DomainError, FieldProblem } from '../common/errors/domain-error';
import { FieldErrorCode } from '../common/errors/error-codes';
import { chargeAmountProblem } from '../common/money/currency';
import { GiftLimits, limitFor } from './campaign-limits';

/** The amounts a donation form offers as buttons, per accepted currency, in its minor unit. */
export type SuggestedAmounts = Record<string, number[]>;

/** At most this many buttons per currency: more do not fit a phone's row. */
export const MAX_SUGGESTED = 6;

interface SuggestingCampaign {
  goalCurrency: string;
  currencies: string[];
  minAmount: number | null;
  maxAmount: number | null;
  limits: GiftLimits | null;
}

/**
 * Checks `suggestedAmounts` against the campaign (after its currencies and limits are settled):
 * an object of the campaign's currencies, each 1 to 6 positive integers that Stripe can charge
 * and the campaign's gift limits allow. Every problem is reported, by field
 * (`suggestedAmounts.eur.1`), in one 400. Returned sorted, without repeats; null or {} clears
 * them (forms fall back to their defaults).
 */
export function checkSuggestedAmounts(
  raw: unknown,
  c: SuggestingCampaign,
): SuggestedAmounts | null {
  if (raw === null) return null;
  const problems: FieldProblem[] = [];
  const add = (name: string, code: FieldErrorCode, message: string) =>
    problems.push({ name, code, message });
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    add(
      'suggestedAmounts',
      'is_object',
      'suggestedAmounts must be an object such as { "eur": [2500, 5000, 10000] }',
    );
    throw failed(problems);
  }
  const result: SuggestedAmounts = {};
  for (const [currency, list] of Object.entries(raw as Record<string, unknown>)) {
    const field = `suggestedAmounts.${currency}`;
    if (!c.currencies.includes(currency)) {
      add(
        field,
        'not_accepted',
        `${field}: ${currency} is not accepted by this campaign (accepted: ${c.currencies.join(', ')})`,
      );
      continue;
    }
    const shape = `${field} must be a list of 1 to ${MAX_SUGGESTED} amounts in the currency’s minor unit`;
    if (!Array.isArray(list)) {
      add(field, 'is_array', shape);
      continue;
    }
    if (list.length < 1 || list.length > MAX_SUGGESTED) {
      add(field, list.length < 1 ? 'array_min_size' : 'array_max_size', shape);
      continue;
    }
    let limit: { min?: number; max?: number } | null = null;
    try {
      limit = limitFor(c, currency);
    } catch (error) {
      add(field, 'invalid_limits', (error as Error).message);
      continue;
    }
    list.forEach((value: unknown, i) => {
      const at = `${field}.${i}`;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
        add(at, 'is_int', `${at} must be a positive integer in the currency’s minor unit`);
        return;
      }
      const problem = chargeAmountProblem(value, currency);
      if (problem) add(at, 'invalid_amount', `${at}: ${problem.replace(/^amount /, '')}`);
      else if (limit?.min !== undefined && value < limit.min)
        add(
          at,
          'below_minimum',
          `${at} must be at least the campaign’s minimum gift (${limit.min})`,
        );
      else if (limit?.max !== undefined && value > limit.max)
        add(
          at,
          'above_maximum',
          `${at} must be at most the campaign’s maximum gift (${limit.max})`,
        );
    });
    result[currency] = [...new Set(list as number[])].sort((a, b) => a - b);
  }
  if (problems.length) throw failed(problems);
  return Object.keys(result).length ? result : null;
}

function failed(fields: FieldProblem[]): DomainError {
  return new DomainError('validation_failed', fields.map((e) => e.message).join('; '), { fields });
}
