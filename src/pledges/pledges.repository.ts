import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PostalAddress } from '../donors/donor.entity';
import { Pledge, PledgeStatus } from './pledge.entity';

export type NewPledge = Pick<
  Pledge,
  | 'id'
  | 'campaignId'
  | 'donorId'
  | 'amount'
  | 'currency'
  | 'intendedAmount'
  | 'coverFees'
  | 'interval'
  | 'installments'
  | 'anonymous'
  | 'displayName'
  | 'donorName'
  | 'donorAddress'
>;

/** Stripe's view of a subscription, as it applies to our pledge. */
export interface SubscriptionFacts {
  status: PledgeStatus;
  amount: number | null;
  itemId: string | null;
  currentPeriodEnd: Date | null;
  endsAt: Date | null;
  pausedUntil: Date | null;
  cancelReason: string | null;
  canceledAt: Date | null;
}

@Injectable()
export class PledgesRepository {
  constructor(@InjectRepository(Pledge) private readonly repo: Repository<Pledge>) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }

  async insert(em: EntityManager, pledge: NewPledge): Promise<void> {
    await em.insert(Pledge, { ...pledge, status: 'incomplete' });
  }

  findById(id: string, em: EntityManager = this.repo.manager): Promise<Pledge | null> {
    return em.findOne(Pledge, { where: { id } });
  }

  /** The pledge with its client secret's hash (null when none is kept), or null. */
  findWithSecretHash(id: string): Promise<Pledge | null> {
    return this.repo
      .createQueryBuilder('p')
      .addSelect('p.clientSecretHash')
      .where('p.id = :id', { id })
      .getOne();
  }

  /** Keeps the hash of the first payment's client secret (the first one kept stays). */
  async keepClientSecretHash(id: string, clientSecretHash: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update(Pledge)
      .set({ clientSecretHash })
      .where('id = :id AND client_secret_hash IS NULL', { id })
      .execute();
  }

  findBySubscription(
    subscriptionId: string,
    em: EntityManager = this.repo.manager,
  ): Promise<Pledge | null> {
    return em.findOne(Pledge, { where: { stripeSubscriptionId: subscriptionId } });
  }

  async attachSubscription(
    id: string,
    subscriptionId: string,
    itemId: string | null,
  ): Promise<void> {
    await this.repo.update(
      { id },
      { stripeSubscriptionId: subscriptionId, stripeSubscriptionItemId: itemId },
    );
  }

  /**
   * Records the pledge's own Stripe Customer once; answers the one stored (an earlier
   * request's, if two raced).
   */
  async setStripeCustomer(id: string, customerId: string): Promise<string> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [rows]: [{ stripe_customer_id: string }[], number] = await this.repo.query(
      `UPDATE pledges SET stripe_customer_id = coalesce(stripe_customer_id, $2), updated_at = now()
        WHERE id = $1 RETURNING stripe_customer_id`,
      [id, customerId],
    );
    return rows[0].stripe_customer_id;
  }

  async setIntendedAmount(id: string, intendedAmount: number): Promise<void> {
    await this.repo.update({ id }, { intendedAmount });
  }

  listByDonor(donorId: string): Promise<Pledge[]> {
    return this.repo.find({ where: { donorId }, order: { createdAt: 'DESC' } });
  }

  list(status: PledgeStatus | undefined, limit: number, before?: Date): Promise<Pledge[]> {
    const qb = this.repo.createQueryBuilder('p').orderBy('p.created_at', 'DESC').limit(limit);
    if (status) qb.andWhere('p.status = :status', { status });
    if (before) qb.andWhere('p.created_at < :before', { before });
    return qb.getMany();
  }

  /**
   * Applies Stripe's current state. A canceled or completed pledge never changes again, so a
   * late `active` cannot bring it back; a completed one stays completed when Stripe reports
   * the cancellation we asked for.
   */
  /** The ticket of the Subscription state last applied to the pledge; null when none was. */
  async appliedTicket(em: EntityManager, id: string): Promise<string | null> {
    const rows: { ticket: string | null }[] = await em.query(
      `SELECT stripe_state_ticket::text AS ticket FROM pledges WHERE id = $1`,
      [id],
    );
    return rows[0]?.ticket ?? null;
  }

  async applySubscription(
    em: EntityManager,
    id: string,
    facts: SubscriptionFacts,
    ticket: string,
  ): Promise<Pledge | null> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [rows]: [{ id: string }[], number] = await em.query(
      `UPDATE pledges SET
         status = CASE WHEN $2 = 'canceled' AND installments IS NOT NULL AND paid_installments >= installments
                       THEN 'completed' ELSE $2 END,
         amount = coalesce($3, amount),
         stripe_subscription_item_id = coalesce($4, stripe_subscription_item_id),
         current_period_end = coalesce($5, current_period_end),
         paused_until = $6,
         cancel_reason = coalesce($7, cancel_reason),
         canceled_at = coalesce($8, canceled_at),
         stripe_state_ticket = $9,
         ends_at = $10, updated_at = now()
       WHERE id = $1 AND status NOT IN ('canceled', 'completed')
       RETURNING id`,
      [
        id,
        facts.status,
        facts.amount,
        facts.itemId,
        facts.currentPeriodEnd,
        facts.pausedUntil,
        facts.cancelReason,
        facts.canceledAt,
        ticket,
        facts.endsAt,
      ],
    );
    return rows.length ? this.findById(id, em) : null;
  }

  /** Counts one more paid installment; returns the pledge after it. */
  async countInstallment(em: EntityManager, id: string): Promise<Pledge> {
    await em.query(
      `UPDATE pledges SET paid_installments = paid_installments + 1, updated_at = now() WHERE id = $1`,
      [id],
    );
    return (await this.findById(id, em))!;
  }

  /**
   * Links a pledge found by its metadata to the subscription Stripe made for it. A pledge
   * started on Checkout also keeps the Customer Checkout made for it (with the email the donor
   * gave), so that erasing the donor deletes it at Stripe.
   */
  async setSubscriptionIn(
    em: EntityManager,
    id: string,
    subscriptionId: string,
    customerId: string | null,
  ): Promise<void> {
    await em.query(
      `UPDATE pledges SET stripe_subscription_id = $2,
              stripe_customer_id = CASE WHEN checkout_session_id IS NULL THEN stripe_customer_id
                                        ELSE coalesce(stripe_customer_id, $3) END
        WHERE id = $1`,
      [id, subscriptionId, customerId],
    );
  }

  async attachCheckoutSession(id: string, sessionId: string): Promise<void> {
    await this.repo.update({ id }, { checkoutSessionId: sessionId });
  }

  /** Cancels the still-incomplete pledge of a Checkout Session that made no subscription. */
  cancelUnstartedCheckout(sessionId: string, reason: string): Promise<boolean> {
    return this.cancelIncomplete('checkout_session_id', sessionId, reason);
  }

  async cancelUnstarted(id: string, reason: string): Promise<void> {
    await this.cancelIncomplete('id', id, reason);
  }

  /** Cancels a pledge still incomplete and without a subscription; whether one was. */
  private async cancelIncomplete(
    by: 'id' | 'checkout_session_id',
    value: string,
    reason: string,
  ): Promise<boolean> {
    const [, count]: [unknown, number] = await this.repo.manager.query(
      `UPDATE pledges SET status = 'canceled', cancel_reason = $2, canceled_at = now(),
              updated_at = now()
        WHERE ${by} = $1 AND status = 'incomplete' AND stripe_subscription_id IS NULL`,
      [value, reason],
    );
    return count > 0;
  }

  async markCompleted(em: EntityManager, id: string): Promise<void> {
    await em.query(
      `UPDATE pledges SET status = 'completed', canceled_at = coalesce(canceled_at, now()), updated_at = now()
        WHERE id = $1 AND status <> 'canceled'`,
      [id],
    );
  }

  /**
   * Clears, in the caller's transaction, each of the donor's pledges' own public name, receipt
   * name and address; amounts stay. Returns how many pledges held any.
   */
  async clearDonorDetails(em: EntityManager, donorId: string): Promise<number> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [, count]: [unknown, number] = await em.query(
      `UPDATE pledges SET display_name = NULL, donor_name = NULL, donor_address = NULL,
              updated_at = now()
        WHERE donor_id = $1
          AND (display_name IS NOT NULL OR donor_name IS NOT NULL OR donor_address IS NOT NULL)`,
      [donorId],
    );
    return count;
  }

  /**
   * Writes the receipt name and address given (null clears one) on the donor's pledges whose
   * status is not one of `finalStatuses`, in the caller's transaction; returns how many.
   */
  async setDonorIdentity(
    em: EntityManager,
    donorId: string,
    identity: { name?: string | null; address?: PostalAddress | null },
    finalStatuses: PledgeStatus[],
  ): Promise<number> {
    const [, count]: [unknown, number] = await em.query(
      `UPDATE pledges
          SET donor_name = CASE WHEN $2 THEN $3 ELSE donor_name END,
              donor_address = CASE WHEN $4 THEN $5::jsonb ELSE donor_address END,
              updated_at = now()
        WHERE donor_id = $1 AND status <> ALL($6)`,
      [
        donorId,
        identity.name !== undefined,
        identity.name ?? null,
        identity.address !== undefined,
        identity.address ? JSON.stringify(identity.address) : null,
        finalStatuses,
      ],
    );
    return count;
  }
}
