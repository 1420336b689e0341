import Stripe from 'stripe';
import { PledgeStatus } from './pledge.entity';
import { SubscriptionFacts } from './pledges.repository';

const at = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);

/** Our pledge status for Stripe's subscription state. */
export function pledgeStatus(sub: Stripe.Subscription): PledgeStatus {
  switch (sub.status) {
    case 'active':
    case 'trialing':
      return sub.pause_collection ? 'paused' : 'active';
    case 'past_due':
    case 'unpaid':
      return 'past_due';
    case 'paused':
      return 'paused';
    case 'canceled':
    case 'incomplete_expired':
      return 'canceled';
    default:
      return 'incomplete';
  }
}

/** What a subscription, as Stripe now has it, says about the pledge. */
export function subscriptionFacts(sub: Stripe.Subscription): SubscriptionFacts {
  const item = sub.items?.data?.[0];
  const status = pledgeStatus(sub);
  return {
    status,
    amount: item?.price?.unit_amount ?? null,
    itemId: item?.id ?? null,
    currentPeriodEnd: at(item?.current_period_end),
    endsAt: status === 'canceled' ? null : at(sub.cancel_at),
    pausedUntil: status === 'paused' ? at(sub.pause_collection?.resumes_at) : null,
    cancelReason: status === 'canceled' ? (sub.cancellation_details?.reason ?? 'canceled') : null,
    canceledAt:
      status === 'canceled' ? (at(sub.canceled_at) ?? at(sub.ended_at) ?? new Date()) : null,
  };
}
