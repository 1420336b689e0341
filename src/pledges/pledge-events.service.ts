import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '../common/config/environment';
import { formatMoney } from '../common/money/currency';
import { PaymentSyncService } from '../donations/payment-sync.service';
import { MailService } from '../mail/mail.service';
import { OutboundEmailsRepository } from '../mail/outbound-emails.repository';
import { simpleEmail } from '../mail/templates';
import { StripeClient, idempotencyKey } from '../stripe/stripe-client';
import { Pledge } from './pledge.entity';
import { PledgeSyncService } from './pledge-sync.service';
import { PledgesRepository } from './pledges.repository';
import { errorSummary } from '../common/errors/describe-error';

type PledgeNotice = 'payment-failed' | 'action-required' | 'canceled-unpaid';

/** What Stripe's billing events mean for pledges: installments, status, and telling the donor. */
/**
 * Anyone can start a pledge with any address and pay its first installment: a notice asking
 * for a card must not talk a stranger into funding someone else's pledge.
 */
const NOT_YOURS =
  'If you did not set up this gift, do not enter a card: ignore this email, and the gift stops by itself.';

@Injectable()
export class PledgeEventsService {
  private readonly logger = new Logger(PledgeEventsService.name);

  constructor(
    private readonly env: Environment,
    private readonly stripe: StripeClient,
    private readonly payments: PaymentSyncService,
    private readonly sync: PledgeSyncService,
    private readonly pledges: PledgesRepository,
    private readonly emails: OutboundEmailsRepository,
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
    const invoice = await this.stripe.sdk.invoices.retrieve(invoiceId, { expand: ['payments'] });
    const subscription = invoice.parent?.subscription_details?.subscription;
    const subscriptionId = typeof subscription === 'string' ? subscription : subscription?.id;
    if (!subscriptionId) return;
    for (const payment of invoice.payments?.data ?? []) {
      const pi = payment.payment?.payment_intent;
      const paymentIntentId = typeof pi === 'string' ? pi : pi?.id;
      if (paymentIntentId) await this.payments.sync(paymentIntentId);
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
    const intent = await this.stripe.sdk.setupIntents.retrieve(setupIntentId);
    const pledgeId = intent.metadata?.pledge_id;
    const paymentMethod =
      typeof intent.payment_method === 'string' ? intent.payment_method : intent.payment_method?.id;
    if (intent.status !== 'succeeded' || !pledgeId || !paymentMethod) return;
    const pledge = await this.pledges.findById(pledgeId);
    if (!pledge?.stripeSubscriptionId || ['canceled', 'completed'].includes(pledge.status)) return;
    // The card belongs to this pledge's subscription only: never the customer's
    // invoice_settings default, which anything else billed to that customer would use.
    await this.stripe.sdk.subscriptions.update(pledge.stripeSubscriptionId, {
      default_payment_method: paymentMethod,
    });
    const open = await this.stripe.sdk.invoices.list({
      subscription: pledge.stripeSubscriptionId,
      status: 'open',
      limit: 10,
    });
    for (const invoice of open.data) {
      try {
        await this.stripe.sdk.invoices.pay(
          invoice.id!,
          { payment_method: paymentMethod },
          { idempotencyKey: idempotencyKey('invoice_retry', invoice.id!, setupIntentId) },
        );
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
    const content = {
      'payment-failed': {
        subject: 'Your monthly gift could not be charged',
        paragraphs: [
          `We could not charge your card for your ${amount} ${pledge.interval}ly gift.`,
          'Please update your card so that your support continues.',
          NOT_YOURS,
        ],
        action: { label: 'Update your card', url: `${base}/donor/pledges/${pledge.id}` },
      },
      'action-required': {
        subject: 'Please confirm your gift',
        paragraphs: [
          `Your bank asks you to confirm your ${amount} ${pledge.interval}ly gift.`,
          NOT_YOURS,
        ],
        action: {
          label: 'Confirm the payment',
          url: actionUrl ?? `${base}/donor/pledges/${pledge.id}`,
        },
      },
      'canceled-unpaid': {
        subject: 'Your recurring gift has stopped',
        paragraphs: [
          `After several attempts we could not charge your ${amount} ${pledge.interval}ly gift, so it has stopped.`,
          'Thank you for all you have given. You can start a new gift at any time.',
        ],
        action: undefined,
      },
    }[notice];
    const id = await this.pledges.transaction(async (em) => {
      const rows: { email: string | null }[] = await em.query(
        `SELECT email FROM donors WHERE id = $1 AND erased_at IS NULL`,
        [pledge.donorId],
      );
      if (!rows[0]?.email) return null;
      const rendered = simpleEmail({
        subject: content.subject,
        // No name: the one sent with the pledge is whatever its starter typed, and this
        // address may not be theirs.
        paragraphs: content.paragraphs,
        action: content.action,
        organisation: this.env.ORGANIZATION_NAME,
      });
      return this.emails.add(em, {
        dedupeKey,
        kind: `pledge-${notice}`,
        donorId: pledge.donorId,
        toAddress: rows[0].email,
        subject: rendered.subject,
        textBody: rendered.text,
        htmlBody: rendered.html,
      });
    });
    await this.mail.enqueue([id]);
  }
}
