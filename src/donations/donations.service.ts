import { randomUUID } from 'node:crypto';
import { clientSecretMatches, hashClientSecret } from '../common/crypto/client-secret';
import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignsService } from '../campaigns/campaigns.service';
import { ChangeDonationDto, DonationChangedView, QuoteQuery, QuoteView } from './quote.dto';
import { IdempotencyService } from '../common/database/idempotency.service';
import { DomainError, invalidField } from '../common/errors/domain-error';
import { DonorsService } from '../donors/donors.service';
import { StripeGateway } from '../stripe/stripe-gateway';
import { CreateDonationDto, DonationCreatedView } from './create-donation.dto';
import { Donation } from './donation.entity';
import { DonationsRepository, UnpaidGift } from './donations.repository';
import { GiftRules, isAnonymous } from './gift-rules';
import { errorSummary } from '../common/errors/describe-error';
import { isUuid } from '../common/validation/is-uuid';
import { isStripeRefusal } from '../stripe/stripe-call';

const IDEMPOTENCY_SCOPE = 'donation:create';

/** A one-off gift started on a Stripe Checkout page: what the site sends with it. */
export interface CheckoutGift {
  amount: number;
  currency: string;
  email: string;
  anonymous?: boolean;
  displayName?: string;
}

/** The Idempotency-Key a request came with: its scope, the key (if any), what it asked. */
export interface IdempotencyClaim {
  scope: string;
  key?: string;
  request: unknown;
}

@Injectable()
export class DonationsService {
  private readonly logger = new Logger(DonationsService.name);
  constructor(
    private readonly rules: GiftRules,
    private readonly campaigns: CampaignsService,
    private readonly donations: DonationsRepository,
    private readonly donors: DonorsService,
    private readonly idempotency: IdempotencyService,
    private readonly stripe: StripeGateway,
  ) {}

  /**
   * The donation, for whoever holds its PaymentIntent's client secret (the site that started
   * it); the same 404 for an unknown id, a wrong secret and a gift whose secret is not kept, so
   * that the answer says nothing about which.
   */
  async withClientSecret(id: string, clientSecret: string): Promise<Donation> {
    const donation = isUuid(id) ? await this.donations.findWithSecretHash(id) : null;
    if (!donation || !clientSecretMatches(donation.clientSecretHash, clientSecret)) {
      throw notYours();
    }
    return donation;
  }

  /**
   * A pending gift's new amount or fee choice, for the site that started it (its client secret
   * as proof): the same PaymentIntent, its amount changed at Stripe first, then the donation.
   * 404 alike for an unknown id, a wrong secret and another campaign's gift; 409 once the
   * donor has paid (or the payment is under way).
   */
  async changePending(
    slug: string,
    id: string,
    clientSecret: string,
    change: ChangeDonationDto,
  ): Promise<DonationChangedView> {
    if (change.amount === undefined && change.coverFees === undefined) {
      throw invalidField('amount', 'required', 'send amount, coverFees or both');
    }
    const campaign = await this.campaigns.findOrFail(slug);
    const donation = await this.withClientSecret(id, clientSecret);
    if (donation.campaignId !== campaign.id || !donation.stripePaymentIntentId) throw notYours();
    if (donation.status !== 'pending') {
      throw new DomainError(
        'conflict',
        `The donation can no longer change: its status is ${donation.status}`,
      );
    }
    const gift = {
      amount: change.amount ?? donation.intendedAmount,
      currency: donation.currency.trim(),
      coverFees: change.coverFees ?? donation.coverFees,
    };
    const charge = this.rules.chargeFor(campaign, gift);
    if (charge !== donation.amount) {
      try {
        await this.stripe.changePaymentIntentAmount(donation.stripePaymentIntentId, charge);
      } catch (error) {
        const e = error as { type?: string; message?: string };
        // Stripe refuses a new amount once the payment is confirmed: the gift is settled.
        if (isStripeRefusal(error)) {
          throw new DomainError('conflict', `The payment can no longer change: ${e.message}`);
        }
        this.logger.warn({ donationId: id, err: errorSummary(error) }, 'amount not changed');
        throw new DomainError(
          'payment_provider_error',
          'The payment provider did not answer: retry',
        );
      }
    }
    const changed = await this.donations.changePendingAmount(id, {
      amount: charge,
      intendedAmount: gift.amount,
      coverFees: gift.coverFees,
    });
    // Paid between our check and Stripe's answer: the payment's own events say what was paid.
    if (!changed) throw new DomainError('conflict', 'The donation is no longer pending');
    return {
      donationId: id,
      paymentIntentId: donation.stripePaymentIntentId,
      amount: charge,
      intendedAmount: gift.amount,
      coverFees: gift.coverFees,
      currency: gift.currency,
      status: 'pending',
    };
  }

  /** What a gift will charge, by the same rules as `create`: nothing is recorded. */
  async quote(slug: string, query: QuoteQuery): Promise<QuoteView> {
    const campaign = await this.campaigns.findOrFail(slug);
    const charge = this.rules.chargeFor(campaign, query);
    return {
      amount: query.amount,
      fee: charge - query.amount,
      charge,
      currency: query.currency,
    };
  }

  /**
   * Records a pending donation and creates its PaymentIntent. With an Idempotency-Key, a
   * retried request returns the same donation and PaymentIntent (and resumes one that was cut
   * off before Stripe answered); the same key with another body is a conflict.
   */
  async create(
    slug: string,
    dto: CreateDonationDto,
    clientKey?: string,
  ): Promise<DonationCreatedView> {
    const campaign = await this.campaigns.findOrFail(slug);
    const charge = this.rules.chargeFor(campaign, dto);
    const { donation, retried } = await this.recordPending(campaign, dto, charge, {
      scope: IDEMPOTENCY_SCOPE,
      key: clientKey,
      request: { slug, ...dto },
    });
    return this.withPaymentIntent(donation, campaign, retried);
  }

  /**
   * Records a pending one-off gift to be paid on a Stripe Checkout page (the caller makes the
   * session, then attaches it). Same Idempotency-Key rules as `create`, under the caller's
   * scope: a retry gets the same donation, `retried`.
   */
  recordCheckoutGift(
    campaign: Campaign,
    gift: CheckoutGift,
    claim: IdempotencyClaim,
  ): Promise<{ donation: Donation; retried: boolean }> {
    return this.recordPending(campaign, gift, gift.amount, claim);
  }

  /** A campaign's one-off gifts still waiting for their payment (for its closing to stop). */
  pendingOfCampaign(campaignId: string, limit: number): Promise<UnpaidGift[]> {
    return this.donations.pendingOfCampaign(campaignId, limit);
  }

  /** A pending gift whose payment Stripe refused to start: canceled, with Stripe's reason. */
  cancelUnstarted(donationId: string, reason: string): Promise<void> {
    return this.donations.markCanceled(donationId, reason);
  }

  /** The Checkout Session a gift is paid through, once Stripe made it. */
  attachCheckoutSession(donationId: string, sessionId: string): Promise<void> {
    return this.donations.attachCheckoutSession(donationId, sessionId);
  }

  /**
   * A Checkout Session that ended unpaid (expired): its gift, still pending and without a
   * payment, is canceled. Returns whether one was. A gift whose donor paid is left to its
   * payment's own events.
   */
  abandonCheckout(sessionId: string, reason: string): Promise<boolean> {
    return this.donations.cancelUnpaidCheckout(sessionId, reason);
  }

  private async recordPending(
    campaign: Campaign,
    dto: Omit<CreateDonationDto, 'captchaToken'>,
    charge: number,
    claim: IdempotencyClaim,
  ): Promise<{ donation: Donation; retried: boolean }> {
    const donationId = randomUUID();
    const earlierId = await this.donations.transaction(async (em) => {
      const earlier = await this.idempotency.claim(
        em,
        claim.scope,
        claim.key,
        claim.request,
        donationId,
        'resource',
      );
      if (earlier) return earlier;
      const donor = await this.donors.findOrCreateByEmail(em, dto.email);
      await this.donations.insertPending(em, {
        id: donationId,
        campaignId: campaign.id,
        donorId: donor.id,
        kind: 'one_off',
        amount: charge,
        currency: dto.currency,
        intendedAmount: dto.amount,
        coverFees: dto.coverFees ?? false,
        anonymous: isAnonymous(dto),
        displayName: dto.displayName ?? null,
        donorName: dto.name ?? null,
        donorAddress: dto.address ?? null,
        message: dto.message ?? null,
        tribute: dto.tribute ?? null,
      });
      return null;
    });

    // Only an earlier request's donation can be missing: one whose transaction is still open.
    const donation = await this.donations.findById(earlierId ?? donationId);
    if (!donation)
      throw new DomainError('conflict', 'Idempotency-Key refers to a request still in progress');
    return { donation, retried: earlierId !== null };
  }

  /**
   * The donation's one PaymentIntent: the one stored; else, for a retried request, the one
   * Stripe holds for the donation id (we may have died after Stripe made it, before we stored
   * it; Stripe forgets idempotency keys after 24 hours, so the key alone is not enough); else
   * a new one, created under a key derived from the donation id.
   */
  private async withPaymentIntent(
    donation: Donation,
    campaign: Campaign,
    retried: boolean,
  ): Promise<DonationCreatedView> {
    let intent: Stripe.PaymentIntent;
    try {
      intent =
        (await this.existingIntent(donation, retried)) ??
        (await this.createIntent(donation, campaign));
    } catch (error) {
      throw await this.paymentProviderError(donation, error);
    }
    const secretHash = hashClientSecret(intent.client_secret!);
    if (donation.stripePaymentIntentId !== intent.id || retried) {
      await this.donations.attachPaymentIntent(donation.id, intent.id, secretHash);
    }
    return {
      donationId: donation.id,
      paymentIntentId: intent.id,
      clientSecret: intent.client_secret!,
      amount: intent.amount,
      currency: intent.currency,
      status: donation.status,
    };
  }

  private async existingIntent(
    donation: Donation,
    retried: boolean,
  ): Promise<Stripe.PaymentIntent | null> {
    if (donation.stripePaymentIntentId) {
      return this.stripe.retrievePaymentIntent(donation.stripePaymentIntentId);
    }
    if (!retried) return null;
    return this.stripe.findPaymentIntentOfDonation(donation.id);
  }

  private createIntent(donation: Donation, campaign: Campaign): Promise<Stripe.PaymentIntent> {
    return this.stripe.createPaymentIntent(donation.id, {
      amount: donation.amount,
      currency: donation.currency,
      automatic_payment_methods: { enabled: true },
      description: `Donation to ${campaign.title}`,
      metadata: {
        donation_id: donation.id,
        campaign_id: campaign.id,
        campaign_slug: campaign.slug,
      },
    });
  }

  private async paymentProviderError(donation: Donation, error: unknown): Promise<DomainError> {
    const e = error as { type?: string; statusCode?: number; message?: string };
    if (isStripeRefusal(error, { card: true })) {
      await this.donations.markCanceled(donation.id, `stripe: ${errorSummary(error)}`);
      return new DomainError('validation_failed', `Stripe refused the payment: ${e.message}`);
    }
    this.logger.warn(
      { donationId: donation.id, err: errorSummary(error) },
      'PaymentIntent not created',
    );
    return new DomainError(
      'payment_provider_error',
      'The payment provider did not answer: retry with the same Idempotency-Key',
    );
  }

  /**
   * Donor erasure, in the caller's transaction: the donor's gifts lose who gave them (names,
   * address, message, tribute) and keep the money. Returns how many gifts held any.
   */
  clearDonorDetails(em: EntityManager, donorId: string): Promise<number> {
    return this.donations.clearDonorDetails(em, donorId);
  }

  /** A pledge's first installment (its first invoice's payment), or null before there is one. */
  firstInstallment(pledgeId: string): Promise<Donation | null> {
    return this.donations.firstInstallment(pledgeId);
  }
}

/** The one answer to a gift asked for with the wrong id, secret or campaign. */
function notYours(): DomainError {
  return new DomainError('not_found', 'No donation with this id and secret');
}
