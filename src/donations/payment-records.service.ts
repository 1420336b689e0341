import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { isUuid } from '../common/validation/is-uuid';
import { fromUnixTime, isLiveRefund, PaymentState } from '../stripe/stripe-gateway';
import { DisputeStatus, Donation, DonationFlag, DonationStatus } from './donation.entity';
import { DonationsRepository, NewInstallment } from './donations.repository';

/**
 * Whether a Stripe state fetched under `ticket` is older than the one applied under `applied`
 * (null: none applied yet): then it must be fetched again, not applied. Payments and
 * subscriptions alike (tickets come from one sequence, see `stateTicket`).
 */
export function isSuperseded(applied: string | null, ticket: string): boolean {
  return applied !== null && BigInt(applied) > BigInt(ticket);
}

/** The terms of the pledge an installment pays (its id, and what its donation copies). */
export type InstallmentTerms = { id: string } & Pick<
  NewInstallment,
  | 'campaignId'
  | 'donorId'
  | 'amount'
  | 'intendedAmount'
  | 'coverFees'
  | 'anonymous'
  | 'displayName'
  | 'donorName'
  | 'donorAddress'
>;

/** A declined attempt on a gift: counted once against whoever started it. */
export interface FailedAttempt {
  donationId: string;
  pledgeId: string | null;
  attemptId: string;
}

export function donationStatus(intent: Stripe.PaymentIntent): DonationStatus {
  switch (intent.status) {
    case 'succeeded':
      return 'succeeded';
    case 'processing':
      return 'processing';
    case 'canceled':
      return 'canceled';
    case 'requires_payment_method':
      return intent.last_payment_error ? 'failed' : 'pending';
    default:
      return 'pending';
  }
}

function disputeStatus(disputes: Stripe.Dispute[]): DisputeStatus | null {
  if (!disputes.length) return null;
  const latest = [...disputes].sort((a, b) => b.created - a.created)[0];
  if (latest.status === 'won' || latest.status === 'warning_closed') return 'won';
  if (latest.status === 'lost') return 'lost';
  return 'open';
}

/**
 * What a payment's state at Stripe means for its donation: which donation it is (ours by id,
 * metadata or invoice, else recorded as unattributed, never dropped), and its status, amounts,
 * refunds, dispute and flags. Runs in the payment flow's transaction.
 */
@Injectable()
export class PaymentRecordsService {
  private readonly logger = new Logger(PaymentRecordsService.name);

  constructor(private readonly donations: DonationsRepository) {}

  /**
   * The donation a payment belongs to. `installmentOf` is the pledge whose invoice the payment
   * settles, when it settles one of ours.
   */
  async donationFor(
    em: EntityManager,
    state: PaymentState,
    installmentOf: InstallmentTerms | null,
  ): Promise<Donation> {
    const { intent } = state;
    const byIntent = await this.donations.findByPaymentIntent(em, intent.id);
    if (byIntent) return byIntent;
    if (state.invoice && installmentOf)
      return this.installment(em, state.invoice, intent, installmentOf);
    const metadataId = intent.metadata?.donation_id;
    if (metadataId && isUuid(metadataId)) {
      const byMetadata = await this.donations.findById(metadataId, em);
      if (byMetadata) {
        await this.donations.attachPaymentIntentIn(em, byMetadata.id, intent.id);
        return { ...byMetadata, stripePaymentIntentId: intent.id };
      }
    }
    this.logger.warn(
      { paymentIntentId: intent.id },
      'payment without our metadata: recorded as unattributed',
    );
    return this.donations.insertUnattributed(em, intent);
  }

  /**
   * A ticket to take before fetching a payment's state from Stripe. Tickets increase: a state
   * fetched under a later ticket is at least as new as one fetched under an earlier ticket
   * that was applied.
   */
  stateTicket(): Promise<string> {
    return this.donations.stateTicket();
  }

  /**
   * Whether a state fetched under `ticket` is older than the one already applied to the
   * payment's donation (under the payment's lock, in the caller's transaction).
   */
  async isStale(em: EntityManager, paymentIntentId: string, ticket: string): Promise<boolean> {
    return isSuperseded(await this.donations.appliedTicket(em, paymentIntentId), ticket);
  }

  /** Brings the donation in line with the payment's state; a succeeded one stays succeeded. */
  async apply(
    em: EntityManager,
    donation: Donation,
    state: PaymentState,
    ticket: string,
  ): Promise<void> {
    await this.donations.applyPaymentState(em, donation.id, ticket, this.facts(donation, state));
  }

  /** Declined attempts (failed charges), each counting once against whoever started the gift. */
  failedAttempts(donation: Donation, { failedChargeIds }: PaymentState): FailedAttempt[] {
    // The failed charges Stripe listed include the one `last_payment_error` names.
    return failedChargeIds.map((attemptId) => ({
      donationId: donation.id,
      pledgeId: donation.pledgeId,
      attemptId,
    }));
  }

  /** The installment donation of a pledge's invoice; a retry's new PaymentIntent takes over. */
  private async installment(
    em: EntityManager,
    invoice: Stripe.Invoice,
    intent: Stripe.PaymentIntent,
    pledge: InstallmentTerms,
  ): Promise<Donation> {
    const existing = await this.donations.findByInvoice(em, invoice.id!);
    if (existing) {
      if (existing.status !== 'succeeded')
        await this.donations.attachPaymentIntentIn(em, existing.id, intent.id);
      return { ...existing, stripePaymentIntentId: intent.id };
    }
    return this.donations.insertInstallment(em, {
      pledgeId: pledge.id,
      campaignId: pledge.campaignId,
      donorId: pledge.donorId,
      amount: intent.amount,
      currency: intent.currency,
      intendedAmount: pledge.amount === intent.amount ? pledge.intendedAmount : intent.amount,
      coverFees: pledge.coverFees,
      anonymous: pledge.anonymous,
      displayName: pledge.displayName,
      donorName: pledge.donorName,
      donorAddress: pledge.donorAddress,
      invoiceId: invoice.id!,
      paymentIntentId: intent.id,
    });
  }

  private facts(donation: Donation, state: PaymentState) {
    const { intent, charge, chargeTxn } = state;
    const status = donationStatus(intent);
    const flags = new Set<DonationFlag>(donation.flags);
    if (
      charge &&
      !flags.has('unattributed') &&
      (charge.amount !== donation.amount || charge.currency !== donation.currency)
    ) {
      flags.add('amount_mismatch');
    }
    const refunded = state.refunds.filter(isLiveRefund).reduce((sum, r) => sum + r.amount, 0);
    return {
      status,
      stripeChargeId: charge?.id ?? null,
      receivedAmount: status === 'succeeded' && charge ? charge.amount : null,
      receivedCurrency: status === 'succeeded' && charge ? charge.currency : null,
      feeAmount: chargeTxn?.fee ?? null,
      settledAmount: chargeTxn?.amount ?? null,
      settledCurrency: chargeTxn?.currency ?? null,
      refundedAmount: refunded,
      disputeStatus: disputeStatus(state.disputes),
      flags: [...flags],
      failureReason:
        status === 'failed'
          ? (intent.last_payment_error?.code ?? intent.last_payment_error?.message ?? 'failed')
          : null,
      succeededAt: status === 'succeeded' && charge ? fromUnixTime(charge.created) : null,
    };
  }
}
