import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { lockFor } from '../../common/database/locks';
import { CreationLimitsService } from '../../common/rate-limit/creation-limits.service';
import { PaymentRecordsService } from '../../donations/payment-records.service';
import { LedgerService } from '../../ledger/ledger.service';
import { MailService } from '../../mail/mail.service';
import { MetricsService } from '../../metrics/metrics.service';
import { InstallmentsService } from '../../pledges/installments.service';
import { ReceiptIssuerService } from '../../receipts/receipt-issuer.service';
import { ReceiptsService } from '../../receipts/receipts.service';
import { idempotencyKey, StripeGateway } from '../../stripe/stripe-gateway';

/**
 * Payment events (payment_intent.*, charge.*: refunds and disputes too) bring one payment's
 * donation, ledger and receipt in line with Stripe's current state. Under a per-PaymentIntent
 * lock it fetches the state inside, so concurrent and out-of-order events for the same payment
 * apply one after the other, each from the latest truth; the ledger's dedupe keys make a
 * duplicate add nothing.
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
  ) {}

  async handle(paymentIntentId: string): Promise<void> {
    const synced = await this.db.transaction(async (em) => {
      await lockFor(em, `pi:${paymentIntentId}`);
      const state = await this.stripe.retrievePaymentState(paymentIntentId);
      const pledge = state.invoice
        ? await this.installments.pledgeOfInvoice(em, state.invoice)
        : null;
      const donation = await this.donations.donationFor(em, state, pledge);
      await this.donations.apply(em, donation, state);
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
      return { completed, issued, newCharges, failures };
    });
    const { completed, issued, newCharges, failures } = synced;
    for (const failure of failures) await this.creationLimits.recordFailedPayment(failure);
    for (const charge of newCharges) {
      this.metrics.donationsSucceeded.inc({ currency: charge.currency });
      this.metrics.donationsSucceededAmount.inc({ currency: charge.currency }, charge.amount);
    }
    await this.receipts.enqueue(issued.receiptIds);
    await this.mail.enqueue(issued.emailIds);
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
}
