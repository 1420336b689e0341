import { callStripe } from '../../stripe/stripe-call';
import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { Environment } from '../../common/config/environment';
import { DomainError, invalidField } from '../../common/errors/domain-error';
import { STARTED_GIFT, StartedGift } from '../../common/rate-limit/creation-limits.interceptor';
import {
  CheckoutGift,
  DonationsService,
  IdempotencyClaim,
} from '../../donations/donations.service';
import { GiftRules } from '../../donations/gift-rules';
import { stripeRecurring } from '../../pledges/pledge-interval';
import { PledgesService } from '../../pledges/pledges.service';
import { StripeGateway } from '../../stripe/stripe-gateway';
import {
  CheckoutSessionCreatedView,
  CreateCheckoutSessionDto,
  LOOPBACK_HOSTS,
} from './create-checkout-session.dto';

const IDEMPOTENCY_SCOPE = 'checkout_session:create';

/** What a gift's Checkout Session needs from it. */
interface CheckoutTarget {
  gift: StartedGift;
  /** The session made for the gift earlier (a retried request), if any. */
  sessionId: string | null;
  /** Whether the gift can still be paid (a retry of a gift that has ended cannot). */
  open: boolean;
}

/**
 * Gifts and pledges paid on Stripe's hosted Checkout page. The gift is recorded first, pending
 * (a pledge incomplete), as `POST …/donations` and `…/pledges` record theirs; the session
 * carries our ids in the metadata of the PaymentIntent or Subscription that Checkout makes
 * when the donor pays, so the payment and billing events count the money exactly as for any
 * gift. Checkout's own events only move state (see CheckoutEventsHandler).
 */
@Injectable()
export class CheckoutSessionsService {
  private readonly logger = new Logger(CheckoutSessionsService.name);

  constructor(
    private readonly env: Environment,
    private readonly campaigns: CampaignsService,
    private readonly rules: GiftRules,
    private readonly donations: DonationsService,
    private readonly pledges: PledgesService,
    private readonly stripe: StripeGateway,
  ) {
    this.returnHosts = returnHosts(env);
  }

  /** Where return URLs may lead (null: anywhere), read from the environment once. */
  private readonly returnHosts: string[] | null;

  async create(
    slug: string,
    dto: CreateCheckoutSessionDto,
    clientKey?: string,
  ): Promise<CheckoutSessionCreatedView> {
    const campaign = await this.campaigns.findOrFail(slug);
    this.checkReturnUrls(dto);
    const charge = this.rules.chargeFor(campaign, { amount: dto.amount, currency: dto.currency });
    const { captchaToken: _, ...request } = dto;
    const claim: IdempotencyClaim = {
      scope: IDEMPOTENCY_SCOPE,
      key: clientKey,
      request: { slug, ...request },
    };
    const gift: CheckoutGift = {
      amount: charge,
      currency: dto.currency,
      email: dto.email,
      anonymous: dto.anonymous,
      displayName: dto.displayName,
    };
    const product = await this.pledges.productFor(campaign);
    if (dto.interval) {
      const interval = dto.interval;
      const { pledge, retried } = await this.pledges.recordCheckoutPledge(
        campaign,
        { ...gift, interval },
        claim,
      );
      const session = await this.session(
        {
          gift: { kind: 'pledge', id: pledge.id },
          sessionId: pledge.checkoutSessionId,
          open: !retried || pledge.status === 'incomplete',
        },
        () => {
          const ids = { pledge_id: pledge.id, campaign_id: campaign.id };
          return {
            mode: 'subscription',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: pledge.currency,
                  product,
                  unit_amount: pledge.amount,
                  recurring: stripeRecurring(interval),
                },
              },
            ],
            customer_email: dto.email,
            client_reference_id: pledge.id,
            metadata: ids,
            subscription_data: { metadata: { ...ids, campaign_slug: campaign.slug } },
            success_url: dto.successUrl,
            cancel_url: dto.cancelUrl,
          };
        },
      );
      if (pledge.checkoutSessionId !== session.id)
        await this.pledges.attachCheckoutSession(pledge.id, session.id);
      return this.view(session, { kind: 'pledge', id: pledge.id });
    }
    const { donation, retried } = await this.donations.recordCheckoutGift(campaign, gift, claim);
    const session = await this.session(
      {
        gift: { kind: 'donation', id: donation.id },
        sessionId: donation.checkoutSessionId,
        open: !retried || donation.status === 'pending',
      },
      () => {
        const ids = { donation_id: donation.id, campaign_id: campaign.id };
        return {
          mode: 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: { currency: donation.currency, product, unit_amount: donation.amount },
            },
          ],
          customer_email: dto.email,
          client_reference_id: donation.id,
          metadata: ids,
          payment_intent_data: {
            description: `Donation to ${campaign.title}`,
            metadata: { ...ids, campaign_slug: campaign.slug },
          },
          submit_type: 'donate',
          success_url: dto.successUrl,
          cancel_url: dto.cancelUrl,
        };
      },
    );
    if (donation.checkoutSessionId !== session.id)
      await this.donations.attachCheckoutSession(donation.id, session.id);
    return this.view(session, { kind: 'donation', id: donation.id });
  }

  /**
   * The gift's one session: the one stored (a retried request), else one made under a key
   * derived from the gift id, so a retry cut off before we stored it gets the same session.
   */
  private async session(
    target: CheckoutTarget,
    params: () => Stripe.Checkout.SessionCreateParams,
  ): Promise<Stripe.Checkout.Session> {
    if (!target.open) throw ended();
    const { sessionId } = target;
    const session = sessionId
      ? await this.call(() => this.stripe.retrieveCheckoutSession(sessionId))
      : await this.call(
          () => this.stripe.createCheckoutSession(target.gift.id, params()),
          // Stripe refused the session for good: its gift can never be paid, so it ends here
          // rather than stay pending (a retry with the same key then gets 409).
          (reason) => this.cancelRefused(target.gift, reason),
        );
    if (session.status !== 'open' || !session.url) throw ended();
    return session;
  }

  /**
   * Plain http goes only to a developer's own machine, and never in production. The hosts donors
   * may be sent back to: CHECKOUT_RETURN_HOSTS; unset, in production, the sites already trusted
   * (CORS_ORIGINS and PUBLIC_BASE_URL); unset outside production, any (and loopback always).
   */
  private checkReturnUrls(dto: CreateCheckoutSessionDto): void {
    const production = this.env.NODE_ENV === 'production';
    const allowed = this.returnHosts;
    for (const field of ['successUrl', 'cancelUrl'] as const) {
      const url = new URL(dto[field]);
      if (production && url.protocol !== 'https:') {
        throw invalidField(field, 'return_url', `${field} must be an https URL`);
      }
      const loopback = !production && LOOPBACK_HOSTS.has(url.hostname);
      if (allowed && !loopback && !allowed.includes(url.hostname.toLowerCase())) {
        throw invalidField(
          field,
          'return_host_not_allowed',
          `${field} must lead to one of this service's campaign sites (${allowed.join(', ')})`,
        );
      }
    }
  }

  private cancelRefused(gift: StartedGift, reason: string): Promise<void> {
    return gift.kind === 'pledge'
      ? this.pledges.cancelUnstarted(gift.id, reason)
      : this.donations.cancelUnstarted(gift.id, reason);
  }

  private view(session: Stripe.Checkout.Session, gift: StartedGift): CheckoutSessionCreatedView {
    const view = { sessionId: session.id, url: session.url! };
    // For the creation limits, which link the gift to who started it; not sent.
    Object.defineProperty(view, STARTED_GIFT, { value: gift, enumerable: false });
    return view;
  }

  /** Stripe's refusals are the caller's bad input; its outages are ours to report as 502. */
  private call<T>(fn: () => Promise<T>, onRefused?: (reason: string) => Promise<void>) {
    return callStripe(fn, {
      logger: this.logger,
      retryHint: 'retry with the same Idempotency-Key',
      onRefused,
    });
  }
}

/**
 * The host names Checkout return URLs may lead to, null for any: CHECKOUT_RETURN_HOSTS; unset,
 * in production, the sites already trusted (CORS_ORIGINS, PUBLIC_BASE_URL; Environment refuses
 * production with CORS_ORIGINS=* and no list); unset outside production, any.
 */
export function returnHosts(
  env: Pick<Environment, 'CHECKOUT_RETURN_HOSTS' | 'CORS_ORIGINS' | 'NODE_ENV' | 'PUBLIC_BASE_URL'>,
): string[] | null {
  if (env.CHECKOUT_RETURN_HOSTS.length)
    return env.CHECKOUT_RETURN_HOSTS.map((h) => h.toLowerCase());
  if (env.NODE_ENV !== 'production') return null;
  const sites = [...env.CORS_ORIGINS.filter((o) => o !== '*'), env.PUBLIC_BASE_URL];
  return [...new Set(sites.map((o) => new URL(o).hostname.toLowerCase()))];
}

function ended(): DomainError {
  return new DomainError(
    'conflict',
    'This checkout has ended (paid, expired or canceled): start a new one without this Idempotency-Key',
  );
}
