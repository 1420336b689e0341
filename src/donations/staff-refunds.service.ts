import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { IdempotencyService } from '../common/database/idempotency.service';
import { DomainError } from '../common/errors/domain-error';
import { formatMoney } from '../common/money/currency';
import { isLiveRefund, RefundState, StripeGateway } from '../stripe/stripe-gateway';
import { RefundDonationDto, StaffRefundView } from './admin-donations.dto';
import { DonationsRepository } from './donations.repository';
import { StaffRefund } from './staff-refund.entity';
import { StaffRefundsRepository } from './staff-refunds.repository';
import { isUuid } from '../common/validation/is-uuid';
import { lockFor } from '../common/database/locks';
import { errorSummary } from '../common/errors/describe-error';
import { isStripeRefusal } from '../stripe/stripe-call';

/**
 * Staff refunds: a Stripe refund whose idempotency key comes from our own ids, so a request
 * retried after a timeout (same Idempotency-Key) refunds once. The webhook then completes the
 * ledger and the receipt as for any refund.
 */
@Injectable()
export class StaffRefundsService {
  private readonly logger = new Logger(StaffRefundsService.name);

  constructor(
    private readonly refunds: StaffRefundsRepository,
    private readonly donations: DonationsRepository,
    private readonly idempotency: IdempotencyService,
    private readonly stripe: StripeGateway,
  ) {}

  async refund(
    donationId: string,
    dto: RefundDonationDto,
    staffName: string,
    clientKey?: string,
  ): Promise<StaffRefundView> {
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

    // Stripe's view first, outside any transaction: what the charge took and its refunds.
    const paymentIntentId = donation.stripePaymentIntentId;
    const stripeView = await this.stripeCall(donationId, () => this.stripeView(paymentIntentId));

    const id = randomUUID();
    const request = await this.donations.transaction(async (em) => {
      const earlierId = await this.idempotency.claim(
        em,
        'refund:create',
        clientKey,
        { donationId, ...dto },
        id,
        'resource',
      );
      if (earlierId) return this.refunds.findIn(em, earlierId);
      // One request per donation at a time reserves its amount against what remains.
      await lockFor(em, `refund:${donationId}`);
      const earlier = await this.refunds.forDonation(em, donationId);
      const remains = remainsToRefund(stripeView, earlier);
      if (remains <= 0) throw new DomainError('conflict', 'Nothing remains to refund: 0');
      if (dto.amount !== undefined && dto.amount > remains) {
        throw new DomainError(
          'conflict',
          `amount is more than remains to refund: ${remains} (${formatMoney(remains, stripeView.currency)})`,
        );
      }
      return this.refunds.reserve(em, {
        id,
        donationId,
        sequence: Math.max(0, ...earlier.map((r) => r.sequence)) + 1,
        amount: dto.amount ?? remains,
        reason: dto.reason,
        requestedBy: staffName,
      });
    });
    if (request.status === 'released') {
      throw new DomainError(
        'conflict',
        'Stripe refused this refund earlier: send a new request (another Idempotency-Key)',
      );
    }

    // A retry finds the refund Stripe already made for this request (even after Stripe
    // forgot the idempotency key); otherwise the key derived from our ids makes it once.
    const made = stripeView.refunds.find(
      (r) => r.id === request.stripeRefundId || r.metadata?.staff_refund_id === request.id,
    );
    let refund: Stripe.Refund;
    try {
      refund =
        made ??
        (await this.stripe.refund(donationId, request.sequence, {
          payment_intent: paymentIntentId,
          ...(request.amount ? { amount: request.amount } : {}),
          reason: 'requested_by_customer',
          metadata: { donation_id: donationId, staff_refund_id: request.id },
        }));
    } catch (error) {
      const e = error as { type?: string; message?: string };
      if (isStripeRefusal(error)) {
        await this.refunds.release(request.id);
        throw new DomainError('conflict', `Stripe refused the refund: ${e.message}`);
      }
      // Stripe may have made it: the reservation stays until a retry learns the answer.
      this.logger.warn({ donationId, err: errorSummary(e) }, 'refund not confirmed');
      throw new DomainError(
        'payment_provider_error',
        'The payment provider did not answer: retry with the same Idempotency-Key',
      );
    }
    await this.refunds.markMade(request.id, refund.id, refund.amount);
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

  private async stripeView(paymentIntentId: string): Promise<RefundState> {
    const state = await this.stripe.retrieveRefundState(paymentIntentId);
    if (!state) throw new DomainError('conflict', 'The payment has no charge to refund');
    return state;
  }

  private async stripeCall<T>(donationId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      this.logger.warn({ donationId, err: errorSummary(error) }, 'Stripe not reached');
      throw new DomainError(
        'payment_provider_error',
        'The payment provider did not answer: try again',
      );
    }
  }
}

/**
 * What remains of the charge: less every refund Stripe holds (failed and canceled ones gave
 * the money back), and less our own reservations Stripe does not show yet (in flight, or made
 * after Stripe's list was read).
 */
export function remainsToRefund(view: RefundState, ours: StaffRefund[]): number {
  const live = view.refunds.filter(isLiveRefund);
  const seen = new Set(view.refunds.flatMap((r) => [r.id, r.metadata?.staff_refund_id ?? '']));
  const pending = ours
    .filter((r) => r.status !== 'released' && !seen.has(r.id))
    .filter((r) => !r.stripeRefundId || !seen.has(r.stripeRefundId))
    .reduce((sum, r) => sum + (r.amount ?? 0), 0);
  return view.charged - live.reduce((sum, r) => sum + r.amount, 0) - pending;
}
