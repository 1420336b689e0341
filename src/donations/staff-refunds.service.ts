import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import Stripe from 'stripe';
import { IdempotencyRepository } from '../common/database/idempotency.repository';
import { DomainError } from '../common/errors/domain-error';
import { formatMoney } from '../common/money/currency';
import { StripeClient, idempotencyKey } from '../stripe/stripe-client';
import { RefundDonationDto } from './admin-donations.dto';
import { DonationsRepository } from './donations.repository';
import { StaffRefund } from './staff-refund.entity';
import { isUuid } from '../common/validation/is-uuid';
import { lockFor } from '../common/database/locks';
import { errorSummary } from '../common/errors/describe-error';

/**
 * Staff refunds: a Stripe refund whose idempotency key comes from our own ids, so a request
 * retried after a timeout (same Idempotency-Key) refunds once. The webhook then completes the
 * ledger and the receipt as for any refund.
 */
@Injectable()
export class StaffRefundsService {
  private readonly logger = new Logger(StaffRefundsService.name);

  constructor(
    @InjectRepository(StaffRefund) private readonly refunds: Repository<StaffRefund>,
    private readonly donations: DonationsRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly stripe: StripeClient,
  ) {}

  async refund(donationId: string, dto: RefundDonationDto, staffName: string, clientKey?: string) {
    const donation = isUuid(donationId) ? await this.donations.findById(donationId) : null;
    if (!donation) throw new DomainError('not_found', `No donation ${donationId}`);
    if (donation.kind === 'offline' || !donation.stripePaymentIntentId) {
      throw new DomainError(
        'conflict',
        'This gift was not paid through Stripe: void the offline gift instead',
      );
    }
    if (donation.status !== 'succeeded')
      throw new DomainError('conflict', `The donation is ${donation.status}: nothing to refund`);

    const id = randomUUID();
    const request = await this.donations.transaction(async (em) => {
      const earlierId = await this.idempotency.claim(
        em,
        'refund:create',
        clientKey,
        { donationId, ...dto },
        id,
      );
      if (earlierId) return em.findOneOrFail(StaffRefund, { where: { id: earlierId } });
      // Serialise requests for one donation so that their sequence numbers are distinct.
      await lockFor(em, `refund:${donationId}`);
      const rows: { n: number }[] = await em.query(
        `SELECT coalesce(max(sequence), 0)::int AS n FROM staff_refunds WHERE donation_id = $1`,
        [donationId],
      );
      return em.save(
        StaffRefund,
        em.create(StaffRefund, {
          id,
          donationId,
          sequence: rows[0].n + 1,
          amount: dto.amount ?? null,
          reason: dto.reason,
          requestedBy: staffName,
        }),
      );
    });
    if (!request.stripeRefundId)
      await this.assertRemains(donation.stripePaymentIntentId, request.amount);

    let refund: Stripe.Refund;
    try {
      refund = await this.stripe.sdk.refunds.create(
        {
          payment_intent: donation.stripePaymentIntentId,
          ...(request.amount ? { amount: request.amount } : {}),
          reason: 'requested_by_customer',
          metadata: { donation_id: donationId, staff_refund_id: request.id },
        },
        { idempotencyKey: idempotencyKey('refund', donationId, request.sequence) },
      );
    } catch (error) {
      const e = error as { type?: string; message?: string };
      if (e.type === 'StripeInvalidRequestError')
        throw new DomainError('conflict', `Stripe refused the refund: ${e.message}`);
      this.logger.warn({ donationId, err: errorSummary(e) }, 'refund not created');
      throw new DomainError(
        'payment_provider_error',
        'The payment provider did not answer: retry with the same Idempotency-Key',
      );
    }
    await this.refunds.update({ id: request.id }, { stripeRefundId: refund.id });
    return {
      id: request.id,
      donationId,
      stripeRefundId: refund.id,
      amount: refund.amount,
      currency: refund.currency,
      status: refund.status,
      reason: request.reason,
    };
  }

  /** Never more than what remains, by Stripe's own count of what was refunded. */
  private async assertRemains(paymentIntentId: string, amount: number | null): Promise<void> {
    const intent = await this.stripe.sdk.paymentIntents.retrieve(paymentIntentId, {
      expand: ['latest_charge'],
    });
    const charge = intent.latest_charge as Stripe.Charge | null;
    if (!charge) throw new DomainError('conflict', 'The payment has no charge to refund');
    const remains = charge.amount - charge.amount_refunded;
    if (remains <= 0) throw new DomainError('conflict', 'Nothing remains to refund: 0');
    if (amount !== null && amount > remains) {
      throw new DomainError(
        'conflict',
        `amount is more than remains to refund: ${remains} (${formatMoney(remains, charge.currency)})`,
      );
    }
  }
}
