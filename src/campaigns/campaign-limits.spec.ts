import { DomainError } from '../common/errors/domain-error';
import { assertLimitsComplete, limitFor, normaliseLimits } from './campaign-limits';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).message;
  }
  throw new Error('not refused');
};

const campaign = {
  goalCurrency: 'usd',
  currencies: ['usd', 'eur', 'jpy'],
  minAmount: 500 as number | null,
  maxAmount: 100_000 as number | null,
  limits: { eur: { min: 400, max: 90_000 } } as Record<string, { min?: number; max?: number }>,
};

describe('gift limits per currency', () => {
  it('takes the goal currency’s from minAmount/maxAmount and the others’ from limits', () => {
    expect(limitFor(campaign, 'usd')).toEqual({ min: 500, max: 100_000 });
    expect(limitFor(campaign, 'eur')).toEqual({ min: 400, max: 90_000 });
  });

  it('refuses a currency left without limits on a campaign that limits gifts', () => {
    expect(refusal(() => limitFor(campaign, 'jpy'))).toMatch(
      /^currency jpy has no gift limits on this campaign/,
    );
  });

  it('leaves a campaign without any limits to Stripe’s bounds', () => {
    const open = { ...campaign, minAmount: null, maxAmount: null, limits: null };
    expect(limitFor(open, 'jpy')).toBeNull();
    expect(limitFor(open, 'usd')).toBeNull();
  });

  it('folds the goal currency’s entry into minAmount/maxAmount', () => {
    expect(
      normaliseLimits({ usd: { min: 1000 }, eur: { max: 5000 } }, { ...campaign, maxAmount: null }),
    ).toEqual({ limits: { eur: { max: 5000 } }, minAmount: 1000, maxAmount: null });
  });

  it('asks for every accepted currency once any is limited, and drops ones no longer accepted', () => {
    expect(refusal(() => assertLimitsComplete(campaign))).toMatch(/^limits\.jpy is required/);
    expect(
      assertLimitsComplete({
        ...campaign,
        currencies: ['usd', 'jpy'],
        limits: { eur: { min: 400 }, jpy: { max: 9000 } },
      }),
    ).toEqual({ jpy: { max: 9000 } });
  });
});
