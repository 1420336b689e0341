import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { StripeGateway } from '../stripe/stripe-gateway';
import { Pledge } from './pledge.entity';
import { PledgesRepository } from './pledges.repository';
import { subscriptionFacts } from './subscription-facts';
import { isUuid } from '../common/validation/is-uuid';
import { lockFor } from '../common/database/locks';

export interface PledgeChange {
  before: Pledge;
  after: Pledge | null;
}

/**
 * Keeps a pledge in line with its Stripe Subscription, under a per-subscription lock, from
 * Stripe's current state (never from the event's snapshot), so late and repeated events cannot
 * roll a newer amount back or bring a canceled pledge back.
 */
@Injectable()
export class PledgeSyncService {
  constructor(
    private readonly stripe: StripeGateway,
    private readonly pledges: PledgesRepository,
  ) {}

  /** Fetches the subscription and applies it. Null when it is not one of ours. */
  async syncFromStripe(subscriptionId: string): Promise<PledgeChange | null> {
    return this.apply(subscriptionId, () => this.stripe.retrieveSubscription(subscriptionId));
  }

  /** Applies a subscription Stripe just returned to one of our own calls. */
  async applyReturned(subscription: Stripe.Subscription): Promise<PledgeChange | null> {
    return this.apply(subscription.id, async () => subscription);
  }

  private apply(
    subscriptionId: string,
    load: () => Promise<Stripe.Subscription>,
  ): Promise<PledgeChange | null> {
    return this.pledges.transaction(async (em) => {
      await lockFor(em, `sub:${subscriptionId}`);
      const subscription = await load();
      let before = await this.pledges.findBySubscription(subscriptionId, em);
      const metadataId = subscription.metadata?.pledge_id;
      if (!before && metadataId && isUuid(metadataId)) {
        before = await this.pledges.findById(metadataId, em);
        if (before && !before.stripeSubscriptionId) {
          await this.pledges.setSubscriptionIn(em, before.id, subscriptionId);
        }
      }
      if (!before) return null;
      const after = await this.pledges.applySubscription(
        em,
        before.id,
        subscriptionFacts(subscription),
      );
      return { before, after };
    });
  }
}
