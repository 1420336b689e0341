import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { lockFor } from '../../common/database/locks';
import { CampaignClosingService } from '../campaign-closing/campaign-closing.service';
import { CreationLimitsService } from '../../common/rate-limit/creation-limits.service';
import { PaymentRecordsService } from '../../donations/payment-records.service';
import { LedgerService } from '../../ledger/ledger.service';
import { MailService } from '../../mail/mail.service';
import { MetricsService } from '../../metrics/metrics.service';
import { InstallmentsService } from '../../pledges/installments.service';
import { ReceiptIssuerService } from '../../receipts/receipt-issuer.service';
import { ReceiptsService } from '../../receipts/receipts.service';
import { idempotencyKey, StripeGateway } from '../../stripe/stripe-gateway';

/** How often a job fetches again when another job applied a newer state first. */
const STALE_FETCH_RETRIES = 3;

/**
 * Payment events (payment_intent.*, charge.*: refunds and disputes too) bring one payment's
 * donation, ledger and receipt in line with Stripe's current state. The state is fetched first,
 * with no transaction open while Stripe answers; then it is applied in a short transaction under
 * a per-PaymentIntent lock, and only if no newer state was applied meanwhile, so concurrent and
 * out-of-order events for the same payment apply one after the other, each from the latest
 * truth; the ledger's dedupe keys make a duplicate add nothing.
 */
@Injectable()
export class PaymentEventsHandler {
  private readonly logger = new Logger(PaymentEventsHandler.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeGateway,
    private readonly donations: PaymentRecordsService,
    private readonly ledger: LedgerService,
    private readonly installments: InstallmentsService,
    private readonly receiptIssuer: ReceiptIssuerService,
    private readonly receipts: ReceiptsService,
    private readonly mail: MailService,
    private readonly metrics: MetricsService,
    private readonly creationLimits: CreationLimitsService,
    private readonly closing: CampaignClosingService,
  ) {}

  async handle(paymentIntentId: string): Promise<void> {
    const synced = await this.applyLatest(paymentIntentId);
    if (!synced) return;
    const { completed, issued, newCharges, failures } = synced;
    for (const failure of failures) await this.creationLimits.recordFailedPayment(failure);
    for (const charge of newCharges) {
      this.metrics.donationsSucceeded.inc({ currency: charge.currency });
      this.metrics.donationsSucceededAmount.inc({ currency: charge.currency }, charge.amount);
    }
    await this.receipts.enqueue(issued.receiptIds);
    await this.mail.enqueue(issued.emailIds);
    // A campaign that closes at its final goal closes as soon as a payment reaches it.
    if (newCharges.length && synced.campaignId)
      await this.closing.closeReachedGoals([synced.campaignId]);
    if (completed?.subscriptionId) {
      // After the last installment, Stripe must charge no more.
      this.logger.log(
        { pledgeId: completed.pledgeId },
        'pledge completed its installments: ending the subscription',
      );
      await this.stripe.cancelSubscription(
        completed.subscriptionId,
        'all installments paid',
        idempotencyKey('subscription_complete', completed.pledgeId),
      );
    }
  }

  /**
   * Fetches the payment's state with no transaction open, then applies it in one short
   * transaction under the payment's lock. Each fetch takes a ticket first; when the state
   * already applied was fetched under a later ticket (two jobs for one payment overlapped,
   * and the other fetched after us), ours is older: fetch again rather than apply it.
   * Null when, after a few tries, a newer state than any of ours was always there first
   * (then that newer state is applied, and nothing is left to do).
   */
  private async applyLatest(paymentIntentId: string) {
    for (let attempt = 0; attempt < STALE_FETCH_RETRIES; attempt++) {
      const ticket = await this.donations.stateTicket();
      const state = await this.stripe.retrievePaymentState(paymentIntentId);
      const synced = await this.db.transaction(async (em) => {
        await lockFor(em, `pi:${paymentIntentId}`);
        if (await this.donations.isStale(em, paymentIntentId, ticket)) return null;
        const pledge = state.invoice
          ? await this.installments.pledgeOfInvoice(em, state.invoice)
          : null;
        const donation = await this.donations.donationFor(em, state, pledge);
        await this.donations.apply(em, donation, state, ticket);
        const added = await this.ledger.recordPayment(
          em,
          { donationId: donation.id, campaignId: donation.campaignId, donorId: donation.donorId },
          state,
        );
        // The receipt follows what the donation is now worth, in the same transaction; a new one
        // is only owed here, and numbered after the commit (never under this transaction).
        const issued = await this.receiptIssuer.reconcile(em, donation.id);
        // Only charges this sync added to the ledger: a duplicate event adds nothing, counts nothing.
        const newCharges = added.filter((e) => e.kind === 'charge');
        const completed =
          donation.pledgeId && newCharges.length
            ? await this.installments.countPaid(em, donation.pledgeId)
            : null;
        const failures = this.donations.failedAttempts(donation, state);
        return { completed, issued, newCharges, failures, campaignId: donation.campaignId };
      });
      if (synced) return synced;
    }
    this.logger.log({ paymentIntentId }, 'a newer state of the payment was applied meanwhile');
    return null;
  }
}
