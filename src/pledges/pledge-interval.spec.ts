import { PLEDGE_CADENCE } from '../receipts/receipt-document';
import { PLEDGE_INTERVALS } from './pledge.entity';
import { intervalAdjective, stripeRecurring } from './pledge-interval';

describe('pledge intervals', () => {
  it('bills a quarter as three Stripe months, the others as one of their own', () => {
    expect(PLEDGE_INTERVALS.map((i) => [i, stripeRecurring(i)])).toEqual([
      ['week', { interval: 'week', interval_count: 1 }],
      ['month', { interval: 'month', interval_count: 1 }],
      ['quarter', { interval: 'month', interval_count: 3 }],
      ['year', { interval: 'year', interval_count: 1 }],
    ]);
  });

  it('words each interval for people, and receipts (which may not import pledges) word it alike', () => {
    expect(PLEDGE_INTERVALS.map(intervalAdjective)).toEqual([
      'weekly',
      'monthly',
      'quarterly',
      'yearly',
    ]);
    expect(Object.keys(PLEDGE_CADENCE).sort()).toEqual([...PLEDGE_INTERVALS].sort());
    for (const i of PLEDGE_INTERVALS) expect(PLEDGE_CADENCE[i]).toBe(intervalAdjective(i));
  });
});
