import fc from 'fast-check';
import { chargeAmountProblem, exponent, formatMoney, minimumCharge } from './currency';
import { FeeModel, grossUp, parseFixedFees, predictedFee } from './fee-cover';

describe('currency rules', () => {
  it('knows zero- and three-decimal currencies', () => {
    expect([exponent('jpy'), exponent('usd'), exponent('kwd')]).toEqual([0, 2, 3]);
    expect(formatMoney(500, 'jpy')).toBe('¥500');
    expect(formatMoney(1250, 'usd')).toBe('$12.50');
    expect(formatMoney(1250, 'kwd')).toBe('KWD\u00a01.250');
  });

  it('applies Stripe’s minimums and the three-decimal rule', () => {
    expect(chargeAmountProblem(49, 'usd')).toMatch(/at least 50/);
    expect(chargeAmountProblem(50, 'usd')).toBeNull();
    expect(chargeAmountProblem(50, 'jpy')).toBeNull();
    expect(chargeAmountProblem(29, 'gbp')).toMatch(/at least 30/);
    expect(chargeAmountProblem(1255, 'kwd')).toMatch(/must end in 0/);
    expect(chargeAmountProblem(1250, 'kwd')).toBeNull();
    expect(chargeAmountProblem(100_000_000, 'usd')).toMatch(/at most/);
    expect(chargeAmountProblem(12.5, 'usd')).toMatch(/integer/);
    expect(minimumCharge('kwd') % 10).toBe(0);
  });
});

describe('fee cover', () => {
  const model: FeeModel = { percentBps: 290, fixed: parseFixedFees('usd:30,eur:25,jpy:0') };

  it('grosses $10.00 up so that $10.00 remains after 2.9% + 30¢', () => {
    const charge = grossUp(1000, 'usd', model);
    expect(charge).toBe(1061);
    expect(charge - predictedFee(charge, 'usd', model)).toBe(1000);
  });

  it('always leaves at least the intended amount, with the smallest such charge', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.constantFrom('usd', 'eur', 'jpy', 'gbp'),
        fc.integer({ min: 0, max: 1000 }),
        (intended, currency, percentBps) => {
          const m = { ...model, percentBps };
          const charge = grossUp(intended, currency, m);
          expect(charge - predictedFee(charge, currency, m)).toBeGreaterThanOrEqual(intended);
          expect(charge - 1 - predictedFee(charge - 1, currency, m)).toBeLessThan(intended);
        },
      ),
    );
  });

  it('refuses malformed fixed-fee specs', () => {
    expect(() => parseFixedFees('usd=30')).toThrow('"usd=30" is not currency:amount');
  });
});
