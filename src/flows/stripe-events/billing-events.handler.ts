import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Environment } from '../../common/config/environment';
import { errorSummary } from '../../common/errors/describe-error';
import { formatMoney } from '../../common/money/currency';
import { DonorsService } from '../../donors/donors.service';
import { MailService } from '../../mail/mail.service';
import { simpleEmail } from '../../mail/templates';
import { InstallmentsService } from '../../pledges/installments.service';
import { Pledge } from '../../pledges/pledge.entity';
import { intervalAdjective } from '../../pledges/pledge-interval';
import { PledgeSyncService } from '../../pledges/pledge-sync.service';
import { idOf, StripeGateway } from '../../stripe/stripe-gateway';
import { PaymentEventsHandler } from './payment-events.handler';

type PledgeNotice = 'payment-failed' | 'action-required' | 'canceled-unpaid';

/**
 * Anyone can start a pledge with any address and pay its first installment: a notice asking
 * for a card must not talk a stranger into funding someone else's pledge.
 */
const NOT_YOURS =
  'If you did not set up this gift, do not enter a card: ignore this email, and the gift stops by itself.';

/**
 * Billing events (customer.subscription.*, invoice.*, setup_intent.succeeded): what they mean
 * for pledges, their installments and status, and when to tell the donor.
 */
@Injectable()
export class BillingEventsHandler {
  private readonly logger = new Logger(BillingEventsHandler.name);

  constructor(
    private readonly env: Environment,
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeGateway,
    private readonly payments: PaymentEventsHandler,
    private readonly sync: PledgeSyncService,
    private readonly installments: InstallmentsService,
    private readonly donors: DonorsService,
    private readonly mail: MailService,
  ) {}

  async subscriptionChanged(subscriptionId: string): Promise<void> {
    const change = await this.sync.syncFromStripe(subscriptionId);
    const after = change?.after;
    if (after?.status === 'canceled' && after.cancelReason === 'payment_failed') {
      await this.notify(after, 'canceled-unpaid', `pledge-canceled-unpaid:${after.id}`);
    }
  }

  /** An invoice paid, failed or waiting for the donor: its payments, the pledge, the email. */
  async invoiceEvent(type: string, invoiceId: string): Promise<void> {
    const invoice = await this.stripe.retrieveInvoiceWithPayments(invoiceId);
    const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
    if (!subscriptionId) return;
    for (const payment of invoice.payments?.data ?? []) {
      const paymentIntentId = idOf(payment.payment?.payment_intent);
      if (paymentIntentId) await this.payments.handle(paymentIntentId);
    }
    const change = await this.sync.syncFromStripe(subscriptionId);
    const pledge = change?.after ?? change?.before;
    if (!pledge) return;
    const attempt = invoice.attempt_count ?? 0;
    if (type === 'invoice.payment_failed') {
      await this.notify(pledge, 'payment-failed', `pledge-payment-failed:${invoice.id}:${attempt}`);
    } else if (type === 'invoice.payment_action_required') {
      await this.notify(
        pledge,
        'action-required',
        `pledge-action-required:${invoice.id}:${attempt}`,
        invoice.hosted_invoice_url,
      );
    }
  }

  /** A new card saved for a pledge: its subscription's default, then retry what is unpaid. */
  async setupSucceeded(setupIntentId: string): Promise<void> {
    const intent = await this.stripe.retrieveSetupIntent(setupIntentId);
    const pledgeId = intent.metadata?.pledge_id;
    const paymentMethod = idOf(intent.payment_method);
    if (intent.status !== 'succeeded' || !pledgeId || !paymentMethod) return;
    const pledge = await this.installments.findById(pledgeId);
    if (!pledge?.stripeSubscriptionId || ['canceled', 'completed'].includes(pledge.status)) return;
    await this.stripe.setSubscriptionCard(pledge.stripeSubscriptionId, paymentMethod);
    for (const invoice of await this.stripe.openInvoices(pledge.stripeSubscriptionId)) {
      try {
        await this.stripe.payInvoice(invoice.id!, paymentMethod, setupIntentId);
      } catch (error) {
        // A card that fails again is reported by its own invoice.payment_failed event.
        this.logger.warn(
          { pledgeId, err: errorSummary(error) },
          'retrying the open invoice failed',
        );
      }
    }
    await this.sync.syncFromStripe(pledge.stripeSubscriptionId);
  }

  /**
   * Queues one email per cause (the dedupe key), to the donor's current address, once the
   * pledge has paid at least once. Before that, the address is only what the request said: the
   * person starting the pledge sees its first payment's outcome on the site, and a stranger's
   * address must get no mail from us.
   */
  private async notify(
    pledge: Pledge,
    notice: PledgeNotice,
    dedupeKey: string,
    actionUrl?: string | null,
  ) {
    if (pledge.paidInstallments < 1) return;
    const base = this.env.PUBLIC_BASE_URL.replace(/\/$/, '');
    const amount = formatMoney(pledge.amount, pledge.currency);
    const cadence = intervalAdjective(pledge.interval);
    const content = {
      'payment-failed': {
        subject: `Your ${cadence} gift could not be charged`,
        paragraphs: [
          `We could not charge your card for your ${amount} ${cadence} gift.`,
          'Please update your card so that your support continues.',
          NOT_YOURS,
        ],
        action: { label: 'Update your card', url: `${base}/donor/pledges/${pledge.id}` },
      },
      'action-required': {
        subject: 'Please confirm your gift',
        paragraphs: [`Your bank asks you to confirm your ${amount} ${cadence} gift.`, NOT_YOURS],
        action: {
          label: 'Confirm the payment',
          url: actionUrl ?? `${base}/donor/pledges/${pledge.id}`,
        },
      },
      'canceled-unpaid': {
        subject: 'Your recurring gift has stopped',
        paragraphs: [
          `After several attempts we could not charge your ${amount} ${cadence} gift, so it has stopped.`,
          'Thank you for all you have given. You can start a new gift at any time.',
        ],
        action: undefined,
      },
    }[notice];
    const id = await this.db.transaction(async (em) => {
      const toAddress = await this.donors.currentEmail(em, pledge.donorId);
      if (!toAddress) return null;
      const rendered = simpleEmail({
        subject: content.subject,
        // No name: the one sent with the pledge is whatever its starter typed, and this
        // address may not be theirs.
        paragraphs: content.paragraphs,
        action: content.action,
        organisation: this.env.ORGANIZATION_NAME,
      });
      return this.mail.add(em, {
        dedupeKey,
        kind: `pledge-${notice}`,
        donorId: pledge.donorId,
        toAddress,
        subject: rendered.subject,
        textBody: rendered.text,
        htmlBody: rendered.html,
      });
    });
    await this.mail.enqueue([id]);
  }
}
