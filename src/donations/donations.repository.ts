import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import Stripe from 'stripe';
import { PostalAddress } from '../donors/donor.entity';
import { Donation, DonationFlag, DonationStatus, DisputeStatus } from './donation.entity';

export type NewDonation = Pick<
  Donation,
  | 'id'
  | 'campaignId'
  | 'donorId'
  | 'kind'
  | 'amount'
  | 'currency'
  | 'intendedAmount'
  | 'coverFees'
  | 'anonymous'
  | 'displayName'
  | 'donorName'
  | 'donorAddress'
  | 'message'
  | 'tribute'
>;

export interface NewInstallment {
  pledgeId: string;
  campaignId: string;
  donorId: string;
  amount: number;
  currency: string;
  intendedAmount: number;
  coverFees: boolean;
  anonymous: boolean;
  displayName: string | null;
  donorName: string | null;
  donorAddress: PostalAddress | null;
  invoiceId: string;
  paymentIntentId: string;
}

/** A gift, or a pledge's first payment, that has not been paid yet: what Stripe could still take. */
export interface UnpaidGift {
  id: string;
  paymentIntentId: string | null;
  checkoutSessionId: string | null;
}

@Injectable()
export class DonationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insertPending(em: EntityManager, donation: NewDonation): Promise<void> {
    await em.insert(Donation, { ...donation, status: 'pending' });
  }

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<Donation | null> {
    return em.findOne(Donation, { where: { id } });
  }

  /** The donation's PaymentIntent, and the hash of the client secret the site was given. */
  async attachPaymentIntent(
    id: string,
    paymentIntentId: string,
    clientSecretHash: string,
  ): Promise<void> {
    await this.dataSource.manager.update(
      Donation,
      { id },
      { stripePaymentIntentId: paymentIntentId, clientSecretHash },
    );
  }

  /** A pending donation's new amount: false when it is no longer pending. */
  async changePendingAmount(
    id: string,
    change: { amount: number; intendedAmount: number; coverFees: boolean },
  ): Promise<boolean> {
    const result = await this.dataSource.manager.update(
      Donation,
      { id, status: 'pending' },
      change,
    );
    return (result.affected ?? 0) > 0;
  }

  /** The donation with its client secret's hash (null when none is kept), or null. */
  async findWithSecretHash(id: string): Promise<Donation | null> {
    return this.dataSource.manager
      .createQueryBuilder(Donation, 'd')
      .addSelect('d.clientSecretHash')
      .where('d.id = :id', { id })
      .getOne();
  }

  /** The pledge's earliest installment donation, or null. */
  firstInstallment(pledgeId: string): Promise<Donation | null> {
    return this.dataSource.manager.findOne(Donation, {
      where: { pledgeId, kind: 'installment' },
      order: { createdAt: 'ASC' },
    });
  }

  /** A donation Stripe would not even create a payment for never will be paid. */
  async markCanceled(id: string, reason: string): Promise<void> {
    await this.dataSource.manager.update(
      Donation,
      { id, status: 'pending' },
      { status: 'canceled', failureReason: reason },
    );
  }

  async attachCheckoutSession(id: string, sessionId: string): Promise<void> {
    await this.dataSource.manager.update(Donation, { id }, { checkoutSessionId: sessionId });
  }

  /** A campaign's one-off gifts still waiting for their payment (oldest first). */
  async pendingOfCampaign(campaignId: string, limit: number): Promise<UnpaidGift[]> {
    const rows: Donation[] = await this.dataSource.manager.find(Donation, {
      where: { campaignId, kind: 'one_off', status: 'pending' },
      order: { createdAt: 'ASC' },
      take: limit,
    });
    return rows.map((d) => ({
      id: d.id,
      paymentIntentId: d.stripePaymentIntentId,
      checkoutSessionId: d.checkoutSessionId,
    }));
  }

  /** Cancels the still-pending, unpaid gift of a Checkout Session: whether there was one. */
  async cancelUnpaidCheckout(sessionId: string, reason: string): Promise<boolean> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .update(Donation)
      .set({ status: 'canceled', failureReason: reason })
      .where('checkout_session_id = :sessionId', { sessionId })
      .andWhere(`status = 'pending'`)
      .andWhere('stripe_payment_intent_id IS NULL')
      .execute();
    return (result.affected ?? 0) > 0;
  }

  findByPaymentIntent(em: EntityManager, paymentIntentId: string): Promise<Donation | null> {
    return em.findOne(Donation, { where: { stripePaymentIntentId: paymentIntentId } });
  }

  async attachPaymentIntentIn(
    em: EntityManager,
    id: string,
    paymentIntentId: string,
  ): Promise<void> {
    await em.update(Donation, { id }, { stripePaymentIntentId: paymentIntentId });
  }

  async insertOffline(
    em: EntityManager,
    gift: {
      id: string;
      campaignId: string;
      donorId: string;
      amount: number;
      currency: string;
      method: string;
      reference: string;
      receivedOn: string;
      succeededAt: Date;
      donorName: string | null;
      donorAddress: PostalAddress | null;
    },
  ): Promise<void> {
    // Anonymous in public (the column's default): staff record a receipt, not a public name.
    await em.query(
      `INSERT INTO donations (id, kind, status, method, reference, received_on, campaign_id, donor_id, amount,
              currency, intended_amount, received_amount, received_currency, settled_amount, settled_currency,
              fee_amount, succeeded_at, donor_name, donor_address)
       VALUES ($1, 'offline', 'succeeded', $2, $3, $4, $5, $6, $7, $8, $7, $7, $8, $7, $8, 0, $9, $10, $11)`,
      [
        gift.id,
        gift.method,
        gift.reference,
        gift.receivedOn,
        gift.campaignId,
        gift.donorId,
        gift.amount,
        gift.currency,
        gift.succeededAt,
        gift.donorName,
        gift.donorAddress ? JSON.stringify(gift.donorAddress) : null,
      ],
    );
  }

  /** An offline gift reversed in full: what remains of it is nothing. */
  async markOfflineVoided(em: EntityManager, id: string, reason: string): Promise<void> {
    await em.query(
      `UPDATE donations SET refunded_amount = received_amount, failure_reason = $2, updated_at = now() WHERE id = $1`,
      [id, `voided: ${reason}`],
    );
  }

  findByInvoice(em: EntityManager, invoiceId: string): Promise<Donation | null> {
    return em.findOne(Donation, { where: { stripeInvoiceId: invoiceId } });
  }

  /**
   * One installment donation per paid (or attempted) invoice of a pledge. It takes the
   * pledge's public display name, receipt name and address and its anonymity.
   */
  async insertInstallment(em: EntityManager, installment: NewInstallment): Promise<Donation> {
    await em.query(
      `INSERT INTO donations (kind, status, pledge_id, campaign_id, donor_id, amount, currency, intended_amount,
              cover_fees, anonymous, display_name, donor_name, donor_address, stripe_invoice_id,
              stripe_payment_intent_id)
       VALUES ('installment', 'pending', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (stripe_invoice_id) DO NOTHING`,
      [
        installment.pledgeId,
        installment.campaignId,
        installment.donorId,
        installment.amount,
        installment.currency,
        installment.intendedAmount,
        installment.coverFees,
        installment.anonymous,
        installment.displayName,
        installment.donorName,
        installment.donorAddress ? JSON.stringify(installment.donorAddress) : null,
        installment.invoiceId,
        installment.paymentIntentId,
      ],
    );
    return (await this.findByInvoice(em, installment.invoiceId))!;
  }

  /** A payment with none of our metadata: kept, flagged for finance, linked to a campaign if named. */
  async insertUnattributed(em: EntityManager, intent: Stripe.PaymentIntent): Promise<Donation> {
    const campaignId = intent.metadata?.campaign_id;
    const rows: { id: string }[] = await em.query(
      `INSERT INTO donations (campaign_id, kind, status, amount, currency, intended_amount, stripe_payment_intent_id, flags)
       VALUES ((SELECT id FROM campaigns WHERE id::text = $1), 'one_off', 'pending', $2, $3, $2, $4, '{unattributed}')
       RETURNING id`,
      [campaignId ?? '', intent.amount, intent.currency, intent.id],
    );
    return (await this.findById(rows[0].id, em))!;
  }

  /** Stripe's view of the payment, applied to the donation; a succeeded one stays succeeded. */
  /** A ticket for a fetch of Stripe's state: taken before the fetch, increasing. */
  async stateTicket(): Promise<string> {
    const rows: { ticket: string }[] = await this.dataSource.query(
      `SELECT nextval('stripe_state_tickets')::text AS ticket`,
    );
    return rows[0].ticket;
  }

  /** The ticket of the state last applied to the payment's donation; null when none was. */
  async appliedTicket(em: EntityManager, paymentIntentId: string): Promise<string | null> {
    const rows: { ticket: string | null }[] = await em.query(
      `SELECT stripe_state_ticket::text AS ticket FROM donations WHERE stripe_payment_intent_id = $1`,
      [paymentIntentId],
    );
    return rows[0]?.ticket ?? null;
  }

  async applyPaymentState(
    em: EntityManager,
    id: string,
    ticket: string,
    facts: {
      status: DonationStatus;
      stripeChargeId: string | null;
      receivedAmount: number | null;
      receivedCurrency: string | null;
      feeAmount: number | null;
      settledAmount: number | null;
      settledCurrency: string | null;
      refundedAmount: number;
      disputeStatus: DisputeStatus | null;
      flags: DonationFlag[];
      failureReason: string | null;
      succeededAt: Date | null;
    },
  ): Promise<void> {
    await em.query(
      `UPDATE donations SET
         status = CASE WHEN status = 'succeeded' THEN status ELSE $2 END,
         stripe_charge_id = coalesce($3, stripe_charge_id),
         received_amount = coalesce($4, received_amount), received_currency = coalesce($5, received_currency),
         fee_amount = coalesce($6, fee_amount), settled_amount = coalesce($7, settled_amount),
         settled_currency = coalesce($8, settled_currency), refunded_amount = $9, dispute_status = $10,
         flags = $11, failure_reason = $12, succeeded_at = coalesce(succeeded_at, $13),
         stripe_state_ticket = $14, updated_at = now()
       WHERE id = $1`,
      [
        id,
        facts.status,
        facts.stripeChargeId,
        facts.receivedAmount,
        facts.receivedCurrency,
        facts.feeAmount,
        facts.settledAmount,
        facts.settledCurrency,
        facts.refundedAmount,
        facts.disputeStatus,
        facts.flags,
        facts.failureReason,
        facts.succeededAt,
        ticket,
      ],
    );
  }

  /**
   * Clears, in the caller's transaction, each of the donor's gifts' own public name, receipt
   * name and address, message and tribute; amounts stay. Returns how many gifts held any.
   */
  async clearDonorDetails(em: EntityManager, donorId: string): Promise<number> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [, count]: [unknown, number] = await em.query(
      `UPDATE donations SET message = NULL, tribute = NULL, display_name = NULL, donor_name = NULL,
              donor_address = NULL, updated_at = now()
        WHERE donor_id = $1
          AND (message IS NOT NULL OR tribute IS NOT NULL OR display_name IS NOT NULL
               OR donor_name IS NOT NULL OR donor_address IS NOT NULL)`,
      [donorId],
    );
    return count;
  }
}
