import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { idOf, StripeGateway } from '../stripe/stripe-gateway';
import { Pledge } from './pledge.entity';
import { PledgesRepository } from './pledges.repository';
import { subscriptionFacts } from './subscription-facts';
import { isUuid } from '../common/validation/is-uuid';
import { lockFor } from '../common/database/locks';
import { isSuperseded, PaymentRecordsService } from '../donations/payment-records.service';

export interface PledgeChange {
  before: Pledge;
  after: Pledge | null;
}

/** Fetches of a subscription that found a newer state applied before trying no more. */
const STALE_FETCH_RETRIES = 3;

/**
 * Keeps a pledge in line with its Stripe Subscription from Stripe's current state (never from
 * the event's snapshot), so late and repeated events cannot roll a newer amount back or bring
 * a canceled pledge back. Stripe is asked with no transaction open; the answer is applied in
 * one short transaction under the subscription's lock. Each fetch (or call that returns the
 * subscription) takes a ticket first: a state fetched under an earlier ticket than the one
 * already applied is older, and is fetched again instead of applied.
 */
@Injectable()
export class PledgeSyncService {
  private readonly logger = new Logger(PledgeSyncService.name);

  constructor(
    private readonly stripe: StripeGateway,
    private readonly pledges: PledgesRepository,
    private readonly payments: PaymentRecordsService,
  ) {}

  /** A ticket to take before a Stripe call whose returned subscription is then applied. */
  ticket(): Promise<string> {
    return this.payments.stateTicket();
  }

  /**
   * Fetches the subscription and applies it. Null when it is not one of ours. When, after a few
   * fetches, a newer state was always applied first, the pledge as it now stands (before and
   * after alike): the caller's notices still find their pledge.
   */
  async syncFromStripe(subscriptionId: string): Promise<PledgeChange | null> {
    for (let attempt = 0; attempt < STALE_FETCH_RETRIES; attempt++) {
      const ticket = await this.ticket();
      const subscription = await this.stripe.retrieveSubscription(subscriptionId);
      const change = await this.apply(subscription, ticket);
      if (change !== 'stale') return change;
    }
    this.logger.log({ subscriptionId }, 'a newer state of the subscription was applied meanwhile');
    const current = await this.pledges.findBySubscription(subscriptionId);
    return current ? { before: current, after: current } : null;
  }

  /**
   * Applies a subscription Stripe returned to one of our own calls, `ticket` taken before the
   * call. Null when it is not one of ours, or a state fetched later was applied already.
   */
  async applyReturned(
    subscription: Stripe.Subscription,
    ticket: string,
  ): Promise<PledgeChange | null> {
    const change = await this.apply(subscription, ticket);
    return change === 'stale' ? null : change;
  }

  private apply(
    subscription: Stripe.Subscription,
    ticket: string,
  ): Promise<PledgeChange | null | 'stale'> {
    const subscriptionId = subscription.id;
    return this.pledges.transaction(async (em) => {
      await lockFor(em, `sub:${subscriptionId}`);
      let before = await this.pledges.findBySubscription(subscriptionId, em);
      const metadataId = subscription.metadata?.pledge_id;
      if (!before && metadataId && isUuid(metadataId)) {
        before = await this.pledges.findById(metadataId, em);
        if (before && !before.stripeSubscriptionId) {
          await this.pledges.setSubscriptionIn(
            em,
            before.id,
            subscriptionId,
            idOf(subscription.customer),
          );
        }
      }
      if (!before) return null;
      if (isSuperseded(await this.pledges.appliedTicket(em, before.id), ticket)) return 'stale';
      const after = await this.pledges.applySubscription(
        em,
        before.id,
        subscriptionFacts(subscription),
        ticket,
      );
      return { before, after };
    });
  }
}
