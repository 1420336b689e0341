import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { isUuid } from '../common/validation/is-uuid';
import { idOf } from '../stripe/stripe-gateway';
import { Pledge } from './pledge.entity';
import { PledgesRepository } from './pledges.repository';
import { PledgeClosuresRepository } from './pledge-closures.repository';

/** A fixed-length pledge that has just paid its last installment. */
export interface CompletedPledge {
  pledgeId: string;
  subscriptionId: string | null;
}

/** Installments from the pledge's side: whose invoice a payment is, and counting them paid. */
@Injectable()
export class InstallmentsService {
  constructor(
    private readonly pledges: PledgesRepository,
    private readonly closures: PledgeClosuresRepository,
  ) {}

  /**
   * The pledge whose subscription billed this invoice, when it is one of ours. A subscription
   * that Checkout made is not linked to its pledge until one of its events is applied: its
   * invoice (whose events may come first) names the pledge in the subscription's metadata,
   * and links it here, once, to a pledge that has no subscription yet.
   *
   * The pledge's `campaignId` is the campaign it was given to when Stripe made the invoice: an
   * installment billed before the pledge moved to another campaign (the invoice Stripe had last
   * made then, or an earlier one) stays with the earlier campaign.
   */
  async pledgeOfInvoice(em: EntityManager, invoice: Stripe.Invoice): Promise<Pledge | null> {
    const pledge = await this.linkedPledge(em, invoice);
    if (!pledge) return null;
    const earlier = await this.closures.campaignBilled(em, pledge.id, {
      id: invoice.id!,
      created: new Date(invoice.created * 1000),
    });
    return earlier ? { ...pledge, campaignId: earlier } : pledge;
  }

  private async linkedPledge(em: EntityManager, invoice: Stripe.Invoice): Promise<Pledge | null> {
    const details = invoice.parent?.subscription_details;
    const subscriptionId = idOf(details?.subscription);
    if (!subscriptionId) return null;
    const linked = await this.pledges.findBySubscription(subscriptionId, em);
    if (linked) return linked;
    const pledgeId = details?.metadata?.pledge_id;
    if (!pledgeId || !isUuid(pledgeId)) return null;
    const pledge = await this.pledges.findById(pledgeId, em);
    if (!pledge || pledge.stripeSubscriptionId) return null;
    await this.pledges.setSubscriptionIn(em, pledge.id, subscriptionId, idOf(invoice.customer));
    return { ...pledge, stripeSubscriptionId: subscriptionId };
  }

  /**
   * Counts one more paid installment. A fixed-length pledge that reached its last one is
   * completed, and returned so that its subscription can be ended.
   */
  async countPaid(em: EntityManager, pledgeId: string): Promise<CompletedPledge | null> {
    const pledge = await this.pledges.countInstallment(em, pledgeId);
    if (pledge.installments === null || pledge.paidInstallments < pledge.installments) return null;
    await this.pledges.markCompleted(em, pledge.id);
    return { pledgeId: pledge.id, subscriptionId: pledge.stripeSubscriptionId };
  }

  findById(id: string): Promise<Pledge | null> {
    return this.pledges.findById(id);
  }
}
