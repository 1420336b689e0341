import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { LedgerRepository, NewLedgerEntry } from '../ledger/ledger.repository';
import { MailService } from '../mail/mail.service';
import { PledgesRepository } from '../pledges/pledges.repository';
import { ReceiptIssuerService } from '../receipts/receipt-issuer.service';
import { ReceiptsService } from '../receipts/receipts.service';
import { StripeClient, idempotencyKey } from '../stripe/stripe-client';
import { DisputeStatus, Donation, DonationFlag, DonationStatus } from './donation.entity';
import { DonationsRepository } from './donations.repository';
import { isUuid } from '../common/validation/is-uuid';
import { lockFor } from '../common/database/locks';
import { MetricsService } from '../metrics/metrics.service';
import { CreationLimitsService } from '../common/rate-limit/creation-limits.service';

/** Everything Stripe knows about one payment, fetched under our lock. */
export interface PaymentState {
  intent: Stripe.PaymentIntent;
  /** The invoice this payment settles, for a pledge's installment. */
  invoice: Stripe.Invoice | null;
  charge: Stripe.Charge | null;
  chargeTxn: Stripe.BalanceTransaction | null;
  refunds: Stripe.Refund[];
  disputes: Stripe.Dispute[];
  /** Every declined attempt on the payment (its failed charges), when it has declined at all. */
  failedChargeIds: string[];
}

const LIVE_REFUND = new Set(['succeeded', 'pending', 'requires_action']);

function expanded<T extends { id: string }>(value: string | T | null | undefined): T | null {
  return value && typeof value === 'object' ? value : null;
}

function at(unixSeconds: number): Date {
  return new Date(unixSeconds * 1000);
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
 * The ledger entries a payment's current state implies. A pure function of Stripe's state:
 * whatever order events came in, the same state gives the same entries, and the dedupe keys
 * make a second application add nothing.
 */
export function ledgerEntriesFor(
  state: PaymentState,
  recordedRefunds: Set<string>,
): NewLedgerEntry[] {
  const { intent, charge, chargeTxn } = state;
  const entries: NewLedgerEntry[] = [];
  if (!charge || !chargeTxn || intent.status !== 'succeeded') return entries;
  const ids = { stripePaymentIntentId: intent.id, stripeChargeId: charge.id };
  entries.push({
    ...ids,
    dedupeKey: `charge:${charge.id}`,
    kind: 'charge',
    amount: charge.amount,
    currency: charge.currency,
    settledAmount: chargeTxn.amount,
    settledCurrency: chargeTxn.currency,
    stripeBalanceTransactionId: chargeTxn.id,
    occurredAt: at(charge.created),
  });
  if (chargeTxn.fee !== 0) {
    entries.push({
      ...ids,
      dedupeKey: `fee:${charge.id}`,
      kind: 'fee',
      amount: -chargeTxn.fee,
      currency: chargeTxn.currency,
      settledAmount: -chargeTxn.fee,
      settledCurrency: chargeTxn.currency,
      stripeBalanceTransactionId: chargeTxn.id,
      occurredAt: at(charge.created),
    });
  }
  for (const refund of state.refunds) {
    const txn = expanded<Stripe.BalanceTransaction>(refund.balance_transaction);
    const refundIds = { ...ids, stripeRefundId: refund.id };
    const live = LIVE_REFUND.has(refund.status ?? '');
    const recorded = recordedRefunds.has(refund.id);
    if (txn && (live || recorded)) {
      entries.push({
        ...refundIds,
        dedupeKey: `refund:${refund.id}`,
        kind: 'refund',
        amount: -refund.amount,
        currency: refund.currency,
        settledAmount: txn.amount,
        settledCurrency: txn.currency,
        stripeBalanceTransactionId: txn.id,
        occurredAt: at(refund.created),
      });
      if (txn.fee !== 0) {
        entries.push({
          ...refundIds,
          dedupeKey: `fee:${refund.id}`,
          kind: 'fee',
          amount: -txn.fee,
          currency: txn.currency,
          settledAmount: -txn.fee,
          settledCurrency: txn.currency,
          stripeBalanceTransactionId: txn.id,
          occurredAt: at(refund.created),
        });
      }
    }
    // A refund that failed after we counted it gives the money back to the campaign.
    if (!live && recorded && txn) {
      const failure = expanded<Stripe.BalanceTransaction>(refund.failure_balance_transaction);
      entries.push({
        ...refundIds,
        dedupeKey: `refund_reversal:${refund.id}`,
        kind: 'refund_reversal',
        amount: refund.amount,
        currency: refund.currency,
        settledAmount: failure?.amount ?? -txn.amount,
        settledCurrency: failure?.currency ?? txn.currency,
        stripeBalanceTransactionId: failure?.id ?? null,
        occurredAt: failure ? at(failure.created) : new Date(),
      });
    }
  }
  for (const dispute of state.disputes) {
    for (const txn of dispute.balance_transactions ?? []) {
      const disputeIds = {
        ...ids,
        stripeDisputeId: dispute.id,
        stripeBalanceTransactionId: txn.id,
      };
      const sign = Math.sign(txn.amount);
      if (sign !== 0) {
        entries.push({
          ...disputeIds,
          dedupeKey: `dispute:${txn.id}`,
          kind: 'dispute',
          amount: sign * dispute.amount,
          currency: dispute.currency,
          settledAmount: txn.amount,
          settledCurrency: txn.currency,
          occurredAt: at(txn.created),
        });
      }
      if (txn.fee !== 0) {
        entries.push({
          ...disputeIds,
          dedupeKey: `dispute_fee:${txn.id}`,
          kind: 'dispute_fee',
          amount: -txn.fee,
          currency: txn.currency,
          settledAmount: -txn.fee,
          settledCurrency: txn.currency,
          occurredAt: at(txn.created),
        });
      }
    }
  }
  return entries;
}

/**
 * Brings one payment's donation and ledger in line with Stripe's current state. Runs under a
 * per-PaymentIntent lock, fetching the state inside it, so concurrent and out-of-order
 * events for the same payment apply one after the other, each from the latest truth.
 */
@Injectable()
export class PaymentSyncService {
  private readonly logger = new Logger(PaymentSyncService.name);

  constructor(
    private readonly stripe: StripeClient,
    private readonly donations: DonationsRepository,
    private readonly ledger: LedgerRepository,
    private readonly pledges: PledgesRepository,
    private readonly receiptIssuer: ReceiptIssuerService,
    private readonly receipts: ReceiptsService,
    private readonly mail: MailService,
    private readonly metrics: MetricsService,
    private readonly creationLimits: CreationLimitsService,
  ) {}

  async sync(paymentIntentId: string): Promise<void> {
    const synced = await this.donations.transaction(async (em) => {
      await lockFor(em, `pi:${paymentIntentId}`);
      const state = await this.fetch(paymentIntentId);
      const donation = await this.findOrCreateDonation(em, state);
      const recorded = await this.ledger.existingKeys(
        em,
        state.refunds.map((r) => `refund:${r.id}`),
      );
      const recordedRefunds = new Set(
        state.refunds.filter((r) => recorded.has(`refund:${r.id}`)).map((r) => r.id),
      );
      const entries = ledgerEntriesFor(state, recordedRefunds);
      await this.donations.applyPaymentState(em, donation.id, this.donationFacts(donation, state));
      const added = await this.ledger.append(
        em,
        { donationId: donation.id, campaignId: donation.campaignId, donorId: donation.donorId },
        entries,
      );
      // The receipt follows what the donation is now worth, in the same transaction.
      const issued = await this.receiptIssuer.reconcile(em, donation.id);
      const newlyPaid = added.some((key) => key.startsWith('charge:'));
      const completed =
        donation.pledgeId && newlyPaid ? await this.countInstallment(em, donation.pledgeId) : null;
      // Only charges this sync added to the ledger: a duplicate event adds nothing, counts nothing.
      const newCharges = entries.filter((e) => e.kind === 'charge' && added.includes(e.dedupeKey));
      return { completed, issued, newCharges, failures: this.failedAttempts(donation, state) };
    });
    const { completed, issued, newCharges, failures } = synced;
    for (const failure of failures) await this.creationLimits.recordFailedPayment(failure);
    for (const charge of newCharges) {
      this.metrics.donationsSucceeded.inc({ currency: charge.currency });
      this.metrics.donationsSucceededAmount.inc({ currency: charge.currency }, charge.amount);
    }
    await this.receipts.enqueue(issued.receiptIds);
    await this.mail.enqueue(issued.emailIds);
    if (completed) await this.finishPledge(completed.pledgeId, completed.subscriptionId);
  }

  /** A paid installment; a fixed-length pledge that reached its last one completes. */
  private async countInstallment(em: EntityManager, pledgeId: string) {
    const pledge = await this.pledges.countInstallment(em, pledgeId);
    if (pledge.installments === null || pledge.paidInstallments < pledge.installments) return null;
    await this.pledges.markCompleted(em, pledge.id);
    return { pledgeId: pledge.id, subscriptionId: pledge.stripeSubscriptionId };
  }

  /** After the last installment, Stripe must charge no more. */
  private async finishPledge(pledgeId: string, subscriptionId: string | null): Promise<void> {
    if (!subscriptionId) return;
    this.logger.log({ pledgeId }, 'pledge completed its installments: ending the subscription');
    await this.stripe.sdk.subscriptions.cancel(
      subscriptionId,
      { cancellation_details: { comment: 'all installments paid' } },
      { idempotencyKey: idempotencyKey('subscription_complete', pledgeId) },
    );
  }

  private async fetch(paymentIntentId: string): Promise<PaymentState> {
    const sdk = this.stripe.sdk;
    const [intent, refunds, disputes] = await Promise.all([
      sdk.paymentIntents.retrieve(paymentIntentId, {
        expand: ['latest_charge.balance_transaction'],
      }),
      sdk.refunds.list({
        payment_intent: paymentIntentId,
        limit: 100,
        expand: ['data.balance_transaction', 'data.failure_balance_transaction'],
      }),
      sdk.disputes.list({ payment_intent: paymentIntentId, limit: 100 }),
    ]);
    const charge = expanded<Stripe.Charge>(intent.latest_charge);
    // A card tester tries card after card on one PaymentIntent: each decline counts, not only
    // the one Stripe names last when this sync runs.
    const failedChargeIds = intent.last_payment_error
      ? (await sdk.charges.list({ payment_intent: paymentIntentId, limit: 100 })).data
          .filter((c) => c.status === 'failed')
          .map((c) => c.id)
      : [];
    return {
      intent,
      invoice: intent.metadata?.donation_id ? null : await this.invoiceOf(intent.id),
      charge,
      chargeTxn: expanded<Stripe.BalanceTransaction>(charge?.balance_transaction),
      refunds: refunds.data,
      disputes: disputes.data,
      failedChargeIds,
    };
  }

  /** The invoice a PaymentIntent pays, if any (invoices name their payments, not the reverse). */
  private async invoiceOf(paymentIntentId: string): Promise<Stripe.Invoice | null> {
    const payments = await this.stripe.sdk.invoicePayments.list({
      payment: { type: 'payment_intent', payment_intent: paymentIntentId },
      limit: 1,
    });
    const invoice = payments.data[0]?.invoice;
    if (!invoice) return null;
    return typeof invoice === 'string'
      ? this.stripe.sdk.invoices.retrieve(invoice)
      : (invoice as Stripe.Invoice);
  }

  /** Ours by id, metadata or invoice; otherwise recorded as unattributed, never dropped. */
  private async findOrCreateDonation(em: EntityManager, state: PaymentState): Promise<Donation> {
    const { intent } = state;
    const byIntent = await this.donations.findByPaymentIntent(em, intent.id);
    if (byIntent) return byIntent;
    const installment = state.invoice ? await this.installmentFor(em, state.invoice, intent) : null;
    if (installment) return installment;
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

  /** The installment donation of a pledge's invoice; a retry's new PaymentIntent takes over. */
  private async installmentFor(
    em: EntityManager,
    invoice: Stripe.Invoice,
    intent: Stripe.PaymentIntent,
  ): Promise<Donation | null> {
    const subscription = invoice.parent?.subscription_details?.subscription;
    const subscriptionId = typeof subscription === 'string' ? subscription : subscription?.id;
    const pledge = subscriptionId
      ? await this.pledges.findBySubscription(subscriptionId, em)
      : null;
    if (!pledge) return null;
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

  /** Declined attempts (failed charges), each counting once against whoever started the gift. */
  private failedAttempts(donation: Donation, { failedChargeIds }: PaymentState) {
    // The failed charges Stripe listed include the one `last_payment_error` names.
    return failedChargeIds.map((attemptId) => ({
      donationId: donation.id,
      pledgeId: donation.pledgeId,
      attemptId,
    }));
  }

  private donationFacts(donation: Donation, state: PaymentState) {
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
    const refunded = state.refunds
      .filter((r) => LIVE_REFUND.has(r.status ?? ''))
      .reduce((sum, r) => sum + r.amount, 0);
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
      succeededAt: status === 'succeeded' && charge ? at(charge.created) : null,
    };
  }
}
