import { callStripe } from '../stripe/stripe-call';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignsService } from '../campaigns/campaigns.service';
import { IdempotencyService } from '../common/database/idempotency.service';
import { DomainError, invalidField } from '../common/errors/domain-error';

import { GiftRules, isAnonymous, notAcceptingReason } from '../donations/gift-rules';
import { CheckoutGift, IdempotencyClaim } from '../donations/donations.service';
import { DonorsService, ReceiptIdentity } from '../donors/donors.service';
import { idempotencyKey, idOf, StripeGateway } from '../stripe/stripe-gateway';
import { CreatePledgeDto, PledgeCreatedView } from './create-pledge.dto';
import { FINAL_PLEDGE_STATUSES, Pledge, PledgeInterval, PledgeStatus } from './pledge.entity';
import { PledgeView, pledgeView } from './pledge.views';
import { stripeRecurring } from './pledge-interval';
import { PledgesRepository } from './pledges.repository';
import {
  OpenedClosure,
  PendingEnding,
  PledgeClosuresRepository,
} from './pledge-closures.repository';
import { PledgeSyncService } from './pledge-sync.service';
import { isUuid } from '../common/validation/is-uuid';
import { clientSecretMatches, hashClientSecret } from '../common/crypto/client-secret';

export type { OpenedClosure } from './pledge-closures.repository';

const IDEMPOTENCY_SCOPE = 'pledge:create';

/** Who is acting on a pledge: its donor (others' pledges are 404) or staff (any pledge). */
export type PledgeActor = { donorId: string } | { staff: true };

@Injectable()
export class PledgesService {
  private readonly logger = new Logger(PledgesService.name);

  /** Stored Product ids Stripe was found to have, in this process. */
  private readonly productsChecked = new Set<string>();

  constructor(
    private readonly rules: GiftRules,
    private readonly campaigns: CampaignsService,
    private readonly donors: DonorsService,
    private readonly idempotency: IdempotencyService,
    private readonly pledges: PledgesRepository,
    private readonly closures: PledgeClosuresRepository,
    private readonly sync: PledgeSyncService,
    private readonly stripe: StripeGateway,
  ) {}

  /**
   * Records an incomplete pledge and creates its Subscription, which waits for the first
   * payment. Same Idempotency-Key rules as one-off donations.
   */
  async create(slug: string, dto: CreatePledgeDto, clientKey?: string): Promise<PledgeCreatedView> {
    const campaign = await this.campaigns.findOrFail(slug);
    const charge = this.rules.chargeFor(campaign, dto);
    const { pledge, retried } = await this.recordIncomplete(campaign, dto, charge, {
      scope: IDEMPOTENCY_SCOPE,
      key: clientKey,
      request: { slug, ...dto },
    });
    return this.subscribe(pledge, campaign, retried);
  }

  /**
   * Records an incomplete pledge to be started on a Stripe Checkout page, which makes its
   * Subscription and Customer once the donor pays (the caller makes the session, then
   * attaches it). Same Idempotency-Key rules as `create`, under the caller's scope.
   */
  recordCheckoutPledge(
    campaign: Campaign,
    gift: CheckoutGift & { interval: PledgeInterval },
    claim: IdempotencyClaim,
  ): Promise<{ pledge: Pledge; retried: boolean }> {
    return this.recordIncomplete(campaign, gift, gift.amount, claim);
  }

  /** The Checkout Session a pledge starts through, once Stripe made it. */
  attachCheckoutSession(pledgeId: string, sessionId: string): Promise<void> {
    return this.pledges.attachCheckoutSession(pledgeId, sessionId);
  }

  /** An incomplete pledge whose subscription Stripe refused to start: canceled, with the reason. */
  cancelUnstarted(pledgeId: string, reason: string): Promise<void> {
    return this.pledges.cancelUnstarted(pledgeId, reason);
  }

  /**
   * A Checkout Session that ended unpaid (expired): its pledge, still incomplete and without a
   * subscription, is canceled. Returns whether one was.
   */
  abandonCheckout(sessionId: string, reason: string): Promise<boolean> {
    return this.pledges.cancelUnstartedCheckout(sessionId, reason);
  }

  private async recordIncomplete(
    campaign: Campaign,
    dto: Omit<CreatePledgeDto, 'captchaToken'>,
    charge: number,
    claim: IdempotencyClaim,
  ): Promise<{ pledge: Pledge; retried: boolean }> {
    const pledgeId = randomUUID();
    const earlierId = await this.pledges.transaction(async (em) => {
      const earlier = await this.idempotency.claim(
        em,
        claim.scope,
        claim.key,
        claim.request,
        pledgeId,
        'resource',
      );
      if (earlier) return earlier;
      const donor = await this.donors.findOrCreateByEmail(em, dto.email);
      await this.pledges.insert(em, {
        id: pledgeId,
        campaignId: campaign.id,
        donorId: donor.id,
        amount: charge,
        currency: dto.currency,
        intendedAmount: dto.amount,
        coverFees: dto.coverFees ?? false,
        interval: dto.interval,
        installments: dto.installments ?? null,
        anonymous: isAnonymous(dto),
        displayName: dto.displayName ?? null,
        donorName: dto.name ?? null,
        donorAddress: dto.address ?? null,
      });
      return null;
    });
    const pledge = await this.pledges.findById(earlierId ?? pledgeId);
    if (!pledge)
      throw new DomainError('conflict', 'Idempotency-Key refers to a request still in progress');
    return { pledge, retried: earlierId !== null };
  }

  /**
   * The pledge, for whoever holds its first payment's client secret (the site that started
   * it); the same 404 for an unknown id, a wrong secret and a pledge whose secret is not kept.
   */
  async withClientSecret(id: string, clientSecret: string): Promise<Pledge> {
    const pledge = isUuid(id) ? await this.pledges.findWithSecretHash(id) : null;
    if (!pledge || !clientSecretMatches(pledge.clientSecretHash, clientSecret)) {
      throw new DomainError('not_found', 'No pledge with this id and secret');
    }
    return pledge;
  }

  async listForDonor(donorId: string): Promise<PledgeView[]> {
    return this.views(await this.pledges.listByDonor(donorId));
  }

  async list(
    status: PledgeStatus | undefined,
    limit: number,
    before?: Date,
  ): Promise<PledgeView[]> {
    return this.views(await this.pledges.list(status, limit, before));
  }

  async get(actor: PledgeActor, id: string): Promise<PledgeView> {
    return (await this.views([await this.find(actor, id)]))[0];
  }

  /** A new amount from the next payment on, without proration. */
  async changeAmount(actor: PledgeActor, id: string, amount: number): Promise<PledgeView> {
    const pledge = await this.changeable(actor, id, 'change its amount');
    const campaign = (await this.campaigns.findById(pledge.campaignId))!;
    const charge = this.rules.chargeFor(campaign, {
      amount,
      currency: pledge.currency,
      coverFees: pledge.coverFees,
    });
    const ticket = await this.sync.ticket();
    const subscription = await this.call(() =>
      this.stripe.changeSubscriptionPrice(pledge.stripeSubscriptionId!, {
        id: pledge.stripeSubscriptionItemId!,
        product: campaign.stripeProductId!,
        currency: pledge.currency,
        unitAmount: charge,
        recurring: stripeRecurring(pledge.interval),
      }),
    );
    await this.pledges.setIntendedAmount(pledge.id, amount);
    return this.applied(ticket, subscription, pledge.id);
  }

  async pause(actor: PledgeActor, id: string, until?: Date): Promise<PledgeView> {
    const pledge = await this.changeable(actor, id, 'pause it');
    await this.assertCampaignOpen(pledge, 'pause it');
    if (pledge.status === 'past_due')
      throw new DomainError(
        'pledge_past_due',
        'The pledge’s last payment failed: give it a new card (or cancel it) before pausing it',
      );
    if (until && until.getTime() <= Date.now())
      throw invalidField('until', 'out_of_range', 'until must be in the future');
    const ticket = await this.sync.ticket();
    const subscription = await this.call(() =>
      this.stripe.pauseSubscription(pledge.stripeSubscriptionId!, until),
    );
    return this.applied(ticket, subscription, pledge.id);
  }

  async resume(actor: PledgeActor, id: string): Promise<PledgeView> {
    const pledge = await this.changeable(actor, id, 'resume it');
    await this.assertCampaignOpen(pledge, 'resume it');
    if (pledge.status !== 'paused')
      throw new DomainError('conflict', `The pledge is ${pledge.status}, not paused`);
    const ticket = await this.sync.ticket();
    const subscription = await this.call(() =>
      this.stripe.resumeSubscription(pledge.stripeSubscriptionId!),
    );
    return this.applied(ticket, subscription, pledge.id);
  }

  async cancel(actor: PledgeActor, id: string): Promise<PledgeView> {
    const pledge = await this.changeable(actor, id, 'cancel it', { incomplete: true });
    const ticket = await this.sync.ticket();
    const subscription = await this.call(() =>
      this.stripe.cancelSubscription(
        pledge.stripeSubscriptionId!,
        'staff' in actor ? 'canceled by staff' : 'canceled by the donor',
      ),
    );
    // Stopping a pledge whose campaign closed is the donor's answer to the closing.
    await this.closures.decide(pledge.id, pledge.campaignId, 'stopped');
    return this.applied(ticket, subscription, pledge.id);
  }

  /**
   * Moves the pledge to another campaign that takes gifts in its currency: the same
   * subscription and card, billed from now on under that campaign's Product (same amount, no
   * proration) and, if the pledge was to end with its closed campaign, renewing again.
   * Installments billed before the move stay where they were; later ones count, are receipted
   * and reported under the new campaign.
   */
  async move(actor: PledgeActor, id: string, slug: string): Promise<PledgeView> {
    const pledge = await this.changeable(actor, id, 'move it');
    const target = await this.campaigns.findBySlug(slug);
    if (!target || target.status === 'draft')
      throw invalidField('campaign', 'unknown_campaign', `campaign: no campaign "${slug}"`);
    if (target.id === pledge.campaignId)
      throw invalidField(
        'campaign',
        'same_campaign',
        `campaign: the pledge is already given to "${slug}"`,
      );
    const closed = notAcceptingReason(target);
    if (closed) throw new DomainError('not_active', closed);
    if (!target.currencies.includes(pledge.currency))
      throw invalidField(
        'campaign',
        'not_accepted',
        `campaign: "${slug}" does not take gifts in ${pledge.currency} (it takes ${target.currencies.join(', ')})`,
      );
    const ticket = await this.sync.ticket();
    const subscription = await this.billUnder(pledge, target);
    const last = subscription.latest_invoice as Stripe.Invoice | null;
    const outcome = await this.pledges.transaction(async (em) => {
      // A closing of either campaign waits for this, or this for it: a pledge cannot move onto
      // a campaign that closed meanwhile, nor slip past its own campaign's closing unrecorded.
      const statuses = await this.campaigns.lockStatuses(em, [pledge.campaignId, target.id]);
      if (statuses.get(target.id) !== 'active') return 'target closed';
      const done = await this.closures.recordMove(em, {
        pledgeId: pledge.id,
        from: pledge.campaignId,
        to: target.id,
        by: 'staff' in actor ? 'staff' : 'donor',
        lastInvoice: last?.id ? { id: last.id, created: new Date(last.created * 1000) } : null,
      });
      if (!done) return 'moved meanwhile';
      await this.closures.decide(pledge.id, pledge.campaignId, 'moved', em);
      return 'moved';
    });
    if (outcome !== 'moved') {
      // Stripe was changed for a move that did not happen: bill as our records say again.
      await this.restoreBilling(pledge.id);
      if (outcome === 'target closed')
        throw new DomainError('not_active', `Campaign "${slug}" is closed`);
      throw new DomainError('conflict', 'The pledge was moved meanwhile: look again');
    }
    // A closing's ending may have been sent to Stripe while we moved: the move wins.
    const current = await this.call(() =>
      this.stripe.retrieveSubscription(pledge.stripeSubscriptionId!),
    );
    if (!current.cancel_at_period_end && !current.cancel_at)
      return this.applied(ticket, subscription, pledge.id);
    await this.sync.applyReturned(subscription, ticket);
    await this.setEnding(pledge.stripeSubscriptionId!, false, { onRequest: true });
    return this.get({ staff: true }, pledge.id);
  }

  /**
   * Ends the subscription at the end of its period (or renews it again) and applies the state
   * Stripe answers, under a ticket taken before the call. `onRequest`: Stripe's refusals and
   * outages are answered as a request's (422, 502); otherwise thrown, for a job to retry.
   */
  private async setEnding(
    subscriptionId: string,
    ending: boolean,
    options: { key?: string; onRequest?: boolean } = {},
  ): Promise<void> {
    const ticket = await this.sync.ticket();
    const send = () => this.stripe.setSubscriptionEnding(subscriptionId, ending, options.key);
    const subscription = options.onRequest ? await this.call(send) : await send();
    await this.sync.applyReturned(subscription, ticket);
  }

  /** The pledge's subscription billed under the campaign's Product and metadata, renewing. */
  private async billUnder(pledge: Pledge, campaign: Campaign): Promise<Stripe.Subscription> {
    const product = await this.productFor(campaign);
    return this.call(() =>
      this.stripe.moveSubscription(pledge.stripeSubscriptionId!, {
        itemId: pledge.stripeSubscriptionItemId!,
        product,
        currency: pledge.currency,
        unitAmount: pledge.amount,
        recurring: stripeRecurring(pledge.interval),
        metadata: { campaign_id: campaign.id, campaign_slug: campaign.slug },
      }),
    );
  }

  /**
   * After a move that lost (to another move, or to the target's closing): the subscription is
   * billed again under the campaign the pledge is on, and set to end again if that campaign's
   * closing is still waiting for the donor's choice.
   */
  private async restoreBilling(pledgeId: string): Promise<void> {
    const pledge = (await this.pledges.findById(pledgeId))!;
    const campaign = (await this.campaigns.findById(pledge.campaignId))!;
    const ticket = await this.sync.ticket();
    await this.sync.applyReturned(await this.billUnder(pledge, campaign), ticket);
    if (await this.closures.stillEnding(pledge.id, campaign.id))
      await this.setEnding(pledge.stripeSubscriptionId!, true, { onRequest: true });
  }

  /**
   * For a campaign's closing: tells Stripe to end the pledge's subscription at the end of its
   * paid period (and not to retry a failed payment), unless its donor has chosen meanwhile;
   * then marks the closure's ending done. Stripe's refusals and outages are thrown, for the
   * job to retry.
   */
  async endWithCampaign(pledgeId: string, campaignId: string): Promise<void> {
    const pledge = await this.pledges.findById(pledgeId);
    const ending =
      pledge?.stripeSubscriptionId &&
      !FINAL_PLEDGE_STATUSES.includes(pledge.status) &&
      (await this.closures.stillEnding(pledgeId, campaignId));
    if (pledge && ending) {
      const subscriptionId = pledge.stripeSubscriptionId!;
      await this.setEnding(subscriptionId, true, {
        key: idempotencyKey('pledge_ending', pledgeId, campaignId),
      });
      if (await this.closures.stillEnding(pledgeId, campaignId)) {
        // A failed payment of the period already begun is not retried: the gift has ended.
        for (const invoice of await this.stripe.openInvoices(subscriptionId))
          await this.stripe.voidInvoice(invoice.id!);
      } else {
        // The donor moved it while Stripe answered: the move wins.
        await this.setEnding(subscriptionId, false);
      }
    }
    await this.closures.markEndingSet(pledgeId, campaignId);
  }

  /** A SetupIntent for a new card; once it succeeds the card becomes the pledge's default. */
  async newPaymentMethod(
    actor: PledgeActor,
    id: string,
  ): Promise<{ setupIntentId: string; clientSecret: string }> {
    const pledge = await this.changeable(actor, id, 'update its card');
    const customer = await this.customerFor(pledge);
    const intent = await this.call(() => this.stripe.createPledgeCardSetup(pledge.id, customer));
    return { setupIntentId: intent.id, clientSecret: intent.client_secret! };
  }

  /**
   * The pledge's Subscription: the one stored, else (for a retried request) the one Stripe
   * holds for the pledge id, in case we died before storing it, else a new one. Stripe forgets
   * idempotency keys after 24 hours, so the key alone would not stop a late retry from
   * starting a second subscription.
   */
  private async subscribe(
    pledge: Pledge,
    campaign: Campaign,
    retried: boolean,
  ): Promise<PledgeCreatedView> {
    const expand = ['latest_invoice.confirmation_secret'];
    let existing = pledge.stripeSubscriptionId;
    if (!existing && retried) {
      existing = await this.call(() => this.stripe.findSubscriptionOfPledge(pledge.id));
    }
    const ticket = await this.sync.ticket();
    const subscription = existing
      ? await this.call(() => this.stripe.retrieveSubscription(existing, expand))
      : await this.createSubscription(pledge, campaign, expand);
    if (pledge.stripeSubscriptionId !== subscription.id) {
      await this.pledges.attachSubscription(
        pledge.id,
        subscription.id,
        subscription.items.data[0]?.id ?? null,
      );
    }
    const change = await this.sync.applyReturned(subscription, ticket);
    const invoice = subscription.latest_invoice as Stripe.Invoice | null;
    const clientSecret = invoice?.confirmation_secret?.client_secret ?? '';
    if (clientSecret)
      await this.pledges.keepClientSecretHash(pledge.id, hashClientSecret(clientSecret));
    return {
      pledgeId: pledge.id,
      subscriptionId: subscription.id,
      clientSecret,
      status: change?.after?.status ?? pledge.status,
      amount: pledge.amount,
      currency: pledge.currency,
      interval: pledge.interval,
    };
  }

  private async createSubscription(
    pledge: Pledge,
    campaign: Campaign,
    expand: string[],
  ): Promise<Stripe.Subscription> {
    const customer = await this.customerFor(pledge);
    const product = await this.productFor(campaign);
    return this.call(() =>
      this.stripe.createPledgeSubscription(pledge.id, {
        customer,
        items: [
          {
            price_data: {
              currency: pledge.currency,
              product,
              unit_amount: pledge.amount,
              recurring: stripeRecurring(pledge.interval),
            },
          },
        ],
        payment_behavior: 'default_incomplete',
        payment_settings: { save_default_payment_method: 'on_subscription' },
        expand,
        metadata: {
          pledge_id: pledge.id,
          campaign_id: campaign.id,
          campaign_slug: campaign.slug,
        },
      }),
    );
  }

  /**
   * The pledge's own Stripe Customer, created on its first use with a key derived from the
   * pledge id. It carries no personal data (receipts are ours) and is never found by email:
   * a request naming someone else's email cannot reach their saved card. A pledge started
   * before customers were per pledge stays on the customer its subscription is billed to (its
   * donor's shared one, which other such pledges use too, so it is not stored on the pledge).
   */
  private async customerFor(pledge: Pledge): Promise<string> {
    if (pledge.stripeCustomerId) return pledge.stripeCustomerId;
    const subscriptionId = pledge.stripeSubscriptionId;
    if (subscriptionId) {
      const subscription = await this.call(() => this.stripe.retrieveSubscription(subscriptionId));
      return idOf(subscription.customer)!;
    }
    const customer = await this.call(() =>
      this.stripe.createPledgeCustomer(pledge.id, pledge.donorId),
    );
    pledge.stripeCustomerId = await this.pledges.setStripeCustomer(pledge.id, customer.id);
    return pledge.stripeCustomerId;
  }

  /**
   * One Stripe Product per campaign, created on its first pledge. A stored one is checked once
   * per process: Stripe may no longer have it (deleted, the keys now of another account or of
   * live mode, a restarted stand-in), and every pledge would then be refused with "No such
   * product"; a new one replaces it.
   */
  async productFor(campaign: Campaign): Promise<string> {
    const stored = campaign.stripeProductId;
    if (stored && this.productsChecked.has(stored)) return stored;
    if (stored) {
      const product = await this.call(() => this.stripe.findProduct(stored));
      if (product && product.active) {
        this.productsChecked.add(stored);
        return stored;
      }
      this.logger.warn(
        { campaignId: campaign.id },
        'the campaign’s Stripe Product is gone or archived: a new one replaces it',
      );
    }
    const product = await this.call(() =>
      this.stripe.createCampaignProduct(campaign.id, campaign.title, stored ?? undefined),
    );
    campaign.stripeProductId = stored
      ? await this.campaigns.replaceStripeProduct(campaign.id, stored, product.id)
      : await this.campaigns.setStripeProduct(campaign.id, product.id);
    this.productsChecked.add(campaign.stripeProductId);
    return campaign.stripeProductId;
  }

  private async find(actor: PledgeActor, id: string): Promise<Pledge> {
    const pledge = isUuid(id) ? await this.pledges.findById(id) : null;
    if (!pledge || ('donorId' in actor && pledge.donorId !== actor.donorId)) {
      throw new DomainError('not_found', `No pledge ${id}`);
    }
    return pledge;
  }

  /**
   * The pledge, when `what` may be done to it now. Canceled and completed pledges take nothing;
   * a pledge whose first payment is still due (incomplete) can only be canceled.
   */
  private async changeable(
    actor: PledgeActor,
    id: string,
    what: string,
    { incomplete = false } = {},
  ): Promise<Pledge> {
    const pledge = await this.find(actor, id);
    if (FINAL_PLEDGE_STATUSES.includes(pledge.status)) {
      throw new DomainError('conflict', `The pledge is ${pledge.status}: you cannot ${what}`);
    }
    if (pledge.status === 'incomplete' && !incomplete) {
      throw new DomainError(
        'conflict',
        `The pledge has not started yet (its first payment is still due): you cannot ${what}`,
      );
    }
    if (!pledge.stripeSubscriptionId) {
      throw new DomainError('conflict', 'The pledge is still being set up: try again in a moment');
    }
    return pledge;
  }

  /**
   * A pledge on a closed campaign ends at the end of its period unless its donor moves it, or
   * stops it now: pausing or resuming it would change nothing that matters, so neither is taken.
   */
  private async assertCampaignOpen(pledge: Pledge, what: string): Promise<void> {
    const campaign = await this.campaigns.findById(pledge.campaignId);
    if (campaign?.status === 'closed')
      throw new DomainError(
        'not_active',
        `Campaign "${campaign.slug}" is closed: you cannot ${what}; move the pledge to another campaign, or cancel it`,
      );
  }

  /** The subscription a Stripe call returned, applied with the ticket taken before the call. */
  private async applied(
    ticket: string,
    subscription: Stripe.Subscription,
    pledgeId: string,
  ): Promise<PledgeView> {
    await this.sync.applyReturned(subscription, ticket);
    return this.get({ staff: true }, pledgeId);
  }

  /** Stripe's refusals are the caller's bad input; its outages are ours to report as 502. */
  private call<T>(fn: () => Promise<T>): Promise<T> {
    return callStripe(fn, { logger: this.logger, retryHint: 'try again' });
  }

  private async views(pledges: Pledge[]): Promise<PledgeView[]> {
    const found = await this.campaigns.findByIds([...new Set(pledges.map((p) => p.campaignId))]);
    const successorIds = found.flatMap((c) =>
      c.successorCampaignId ? [c.successorCampaignId] : [],
    );
    const successors = await this.campaigns.findByIds([...new Set(successorIds)]);
    const byId = new Map([...found, ...successors].map((c) => [c.id, c]));
    const brief = (c: Campaign) => ({ slug: c.slug, title: c.title });
    return pledges.map((p) => {
      const campaign = byId.get(p.campaignId);
      const successor = campaign?.successorCampaignId
        ? byId.get(campaign.successorCampaignId)
        : undefined;
      const closing =
        campaign?.status === 'closed' && !FINAL_PLEDGE_STATUSES.includes(p.status)
          ? {
              closedAt: (campaign.closedAt ?? campaign.updatedAt).toISOString(),
              message: campaign.closeMessage,
              successor:
                successor &&
                successor.status === 'active' &&
                successor.currencies.includes(p.currency)
                  ? brief(successor)
                  : null,
            }
          : null;
      return pledgeView(p, campaign ? brief(campaign) : null, closing);
    });
  }

  /** A campaign closing (in its transaction): a closure for each of its running pledges. */
  openClosures(em: EntityManager, campaignId: string): Promise<OpenedClosure[]> {
    return this.closures.open(em, campaignId);
  }

  /** Closures for running pledges of closed campaigns that started after the closing. */
  openLateClosures(em: EntityManager): Promise<OpenedClosure[]> {
    return this.closures.openLate(em);
  }

  /** A campaign's pledges whose first payment is still due (for its closing to stop). */
  unstartedOf(campaignId: string, limit: number) {
    return this.closures.unstartedOf(campaignId, limit);
  }

  /** Closures whose subscription Stripe has not yet been told to end (one campaign's, or all). */
  pendingEndings(campaignId: string | null, limit: number): Promise<PendingEnding[]> {
    return this.closures.pendingEndings(campaignId, limit);
  }

  /**
   * Donor erasure, in the caller's transaction: the donor's pledges lose who gives them (names
   * and address) and keep the money. Returns how many pledges held any.
   */
  clearDonorDetails(em: EntityManager, donorId: string): Promise<number> {
    return this.pledges.clearDonorDetails(em, donorId);
  }

  /**
   * The donor's new receipt name and address (a field left out stays, null clears), in the
   * caller's transaction, on their pledges that can still bill (not canceled or completed):
   * installments recorded from now on carry them. Returns how many pledges took them.
   */
  useDonorIdentity(em: EntityManager, donorId: string, identity: ReceiptIdentity): Promise<number> {
    return this.pledges.setDonorIdentity(em, donorId, identity, FINAL_PLEDGE_STATUSES);
  }
}
