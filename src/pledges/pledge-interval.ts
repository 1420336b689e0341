import { PledgeInterval } from './pledge.entity';

/** A Stripe price's `recurring`: how often Subscriptions bill it. */
export interface StripeRecurring {
  interval: 'week' | 'month' | 'year';
  interval_count: number;
}

/**
 * The `recurring` of every price a pledge is billed at (its Subscription's first price, a new
 * amount, a Checkout session's): Stripe has no quarter, so a quarter is three months.
 */
export function stripeRecurring(interval: PledgeInterval): StripeRecurring {
  return interval === 'quarter'
    ? { interval: 'month', interval_count: 3 }
    : { interval, interval_count: 1 };
}

/** The interval in a sentence: "your €10 quarterly gift". */
export function intervalAdjective(interval: PledgeInterval): string {
  return { week: 'weekly', month: 'monthly', quarter: 'quarterly', year: 'yearly' }[interval];
}

/** The one message for an interval we do not take (pledges and Checkout sessions). */
export const INTERVAL_MESSAGE = 'interval must be week, month, quarter or year';
