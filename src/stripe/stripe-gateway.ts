import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { Environment } from '../common/config/environment';

/** The API version we build against: the one the pinned SDK release speaks. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

/** Everything Stripe knows about one payment: what the payment flow records from. */
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

/** What a payment took, and every refund Stripe holds for it. */
export interface RefundState {
  charged: number;
  currency: string;
  refunds: Stripe.Refund[];
}

/** A refund that holds money back from the payment (pending or made, not failed or canceled). */
export function isLiveRefund(refund: Pick<Stripe.Refund, 'status'>): boolean {
  return ['succeeded', 'pending', 'requires_action'].includes(refund.status ?? '');
}

/** An expanded Stripe object, or null when Stripe gave only its id. */
export function expanded<T extends { id: string }>(value: string | T | null | undefined): T | null {
  return value && typeof value === 'object' ? value : null;
}

/** The id of a Stripe reference, whether Stripe sent the id or the expanded object. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
    return (value as { id: string }).id;
  }
  return null;
}

/** A Stripe timestamp (seconds since the epoch) as a Date. */
export function fromUnixTime(unixSeconds: number): Date {
  return new Date(unixSeconds * 1000);
}

/**
 * The one way into Stripe: every call we make, named for what we mean by it. Base URL from
 * STRIPE_API_URL (the local stand-in in tests and the offline demo), pinned API version,
 * timeouts and SDK retries for network errors. Calls that create or move something carry an
 * idempotency key derived from our own ids (see `idempotencyKey`).
 */
@Injectable()
export class StripeGateway {
  private readonly sdk: Stripe;

  constructor(env: Environment) {
    const url = new URL(env.STRIPE_API_URL);
    this.sdk = new Stripe(env.STRIPE_SECRET_KEY, {
      apiVersion: STRIPE_API_VERSION,
      host: url.hostname,
      port: url.port || (url.protocol === 'http:' ? 80 : 443),
      protocol: url.protocol === 'http:' ? 'http' : 'https',
      timeout: env.STRIPE_TIMEOUT_MS,
      maxNetworkRetries: env.STRIPE_MAX_NETWORK_RETRIES,
      telemetry: false,
      appInfo: { name: 'pledge-backend' },
    });
  }

  /** Where the SDK sends requests (host, port, protocol): for the configuration test. */
  get endpoint(): { host: unknown; port: unknown; protocol: unknown } {
    const settings = (this.sdk as unknown as { _api: Record<string, unknown> })._api;
    return { host: settings.host, port: settings.port, protocol: settings.protocol };
  }

  // ---- Webhooks and the event list ----

  /** A webhook's event, if its signature holds for `secret`; throws otherwise. */
  verifyWebhookEvent(
    rawBody: Buffer | string,
    signature: string,
    secret: string,
    toleranceSeconds: number,
  ): Stripe.Event {
    return this.sdk.webhooks.constructEvent(rawBody, signature, secret, toleranceSeconds);
  }

  /** Every event Stripe still lists from `since` on (Stripe keeps 30 days), page by page. */
  eventsSince(since: Date): AsyncIterable<Stripe.Event> {
    return this.sdk.events.list({
      created: { gte: Math.floor(since.getTime() / 1000) },
      limit: 100,
    });
  }

  // ---- One-off payments ----

  /** A gift's PaymentIntent, made once per donation id (the key is derived from it). */
  createPaymentIntent(
    donationId: string,
    params: Stripe.PaymentIntentCreateParams,
  ): Promise<Stripe.PaymentIntent> {
    return this.sdk.paymentIntents.create(params, {
      idempotencyKey: idempotencyKey('payment_intent', donationId),
    });
  }

  retrievePaymentIntent(paymentIntentId: string): Promise<Stripe.PaymentIntent> {
    return this.sdk.paymentIntents.retrieve(paymentIntentId);
  }

  /**
   * A pending PaymentIntent's new amount, before the donor pays. No idempotency key: setting an
   * amount is the same however often it is sent, and a key would replay an older answer when a
   * donor goes back to an amount asked before.
   */
  changePaymentIntentAmount(
    paymentIntentId: string,
    amount: number,
  ): Promise<Stripe.PaymentIntent> {
    return this.sdk.paymentIntents.update(paymentIntentId, { amount });
  }

  /** The PaymentIntent Stripe holds for a donation id (a late retry after we lost its id). */
  async findPaymentIntentOfDonation(donationId: string): Promise<Stripe.PaymentIntent | null> {
    const found = await this.sdk.paymentIntents.search({
      query: `metadata['donation_id']:'${donationId}'`,
      limit: 1,
    });
    return found.data[0] ?? null;
  }

  /**
   * A payment's whole current state: the PaymentIntent with its charge and balance
   * transaction, refunds, disputes, its failed charges when it has declined, and the invoice
   * it pays (for an installment).
   */
  async retrievePaymentState(paymentIntentId: string): Promise<PaymentState> {
    const [intent, refunds, disputes] = await Promise.all([
      this.sdk.paymentIntents.retrieve(paymentIntentId, {
        expand: ['latest_charge.balance_transaction'],
      }),
      this.sdk.refunds.list({
        payment_intent: paymentIntentId,
        limit: 100,
        expand: ['data.balance_transaction', 'data.failure_balance_transaction'],
      }),
      this.sdk.disputes.list({ payment_intent: paymentIntentId, limit: 100 }),
    ]);
    const charge = expanded<Stripe.Charge>(intent.latest_charge);
    // A card tester tries card after card on one PaymentIntent: each decline counts, not only
    // the one Stripe names last when this sync runs.
    const failedChargeIds = intent.last_payment_error
      ? (await this.sdk.charges.list({ payment_intent: paymentIntentId, limit: 100 })).data
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
    const payments = await this.sdk.invoicePayments.list({
      payment: { type: 'payment_intent', payment_intent: paymentIntentId },
      limit: 1,
    });
    const invoice = payments.data[0]?.invoice;
    if (!invoice) return null;
    return typeof invoice === 'string'
      ? this.sdk.invoices.retrieve(invoice)
      : (invoice as Stripe.Invoice);
  }

  // ---- Checkout ----

  /**
   * A Checkout Session for one gift (a donation or a pledge), made once per gift id: a retry
   * within Stripe's 24 hours gets the same session back.
   */
  createCheckoutSession(
    giftId: string,
    params: Stripe.Checkout.SessionCreateParams,
  ): Promise<Stripe.Checkout.Session> {
    return this.sdk.checkout.sessions.create(params, {
      idempotencyKey: idempotencyKey('checkout_session', giftId),
    });
  }

  retrieveCheckoutSession(sessionId: string): Promise<Stripe.Checkout.Session> {
    return this.sdk.checkout.sessions.retrieve(sessionId);
  }

  // ---- Refunds ----

  /** What a payment took and the refunds Stripe holds for it; null charge when it took nothing. */
  async retrieveRefundState(paymentIntentId: string): Promise<RefundState | null> {
    const [intent, refunds] = await Promise.all([
      this.sdk.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge'] }),
      this.sdk.refunds.list({ payment_intent: paymentIntentId, limit: 100 }),
    ]);
    const charge = intent.latest_charge as Stripe.Charge | null;
    if (!charge) return null;
    return { charged: charge.amount, currency: charge.currency, refunds: refunds.data };
  }

  /** A staff refund: the `sequence`-th of the donation, made once however often it is retried. */
  refund(
    donationId: string,
    sequence: number,
    params: Stripe.RefundCreateParams,
  ): Promise<Stripe.Refund> {
    return this.sdk.refunds.create(params, {
      idempotencyKey: idempotencyKey('refund', donationId, sequence),
    });
  }

  // ---- Pledges: customers, products, subscriptions, invoices, cards ----

  /** A pledge's own Customer, made once per pledge id. */
  createPledgeCustomer(pledgeId: string, donorId: string): Promise<Stripe.Customer> {
    return this.sdk.customers.create(
      { metadata: { pledge_id: pledgeId, donor_id: donorId } },
      { idempotencyKey: idempotencyKey('pledge_customer', pledgeId) },
    );
  }

  /**
   * Deletes a customer at Stripe, with their saved payment methods, name, email and address
   * (Stripe cancels any subscription of theirs at once). `already_deleted` when Stripe no longer
   * has it, so erasing twice is safe. Not idempotency-keyed: a delete moves no money.
   */
  async deleteCustomer(customerId: string): Promise<'deleted' | 'already_deleted'> {
    try {
      await this.sdk.customers.del(customerId);
      return 'deleted';
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError && error.code === 'resource_missing') {
        return 'already_deleted';
      }
      throw error;
    }
  }

  /** A campaign's Product, made once per campaign id. */
  /**
   * A campaign's Product, made once per campaign; `replacing`: once more, in place of a Product
   * Stripe no longer has (its own key, as the first one's may still be remembered).
   */
  createCampaignProduct(
    campaignId: string,
    name: string,
    replacing?: string,
  ): Promise<Stripe.Product> {
    return this.sdk.products.create(
      { name, metadata: { campaign_id: campaignId } },
      {
        idempotencyKey: replacing
          ? idempotencyKey('product.replace', campaignId, replacing)
          : idempotencyKey('product', campaignId),
      },
    );
  }

  /** A Product, or null when Stripe has none by that id (deleted; another account or mode). */
  async findProduct(id: string): Promise<Stripe.Product | null> {
    try {
      return await this.sdk.products.retrieve(id);
    } catch (error) {
      if ((error as { code?: string }).code === 'resource_missing') return null;
      throw error;
    }
  }

  /** A pledge's Subscription, made once per pledge id. */
  createPledgeSubscription(
    pledgeId: string,
    params: Stripe.SubscriptionCreateParams,
  ): Promise<Stripe.Subscription> {
    return this.sdk.subscriptions.create(params, {
      idempotencyKey: idempotencyKey('subscription', pledgeId),
    });
  }

  retrieveSubscription(subscriptionId: string, expand?: string[]): Promise<Stripe.Subscription> {
    return this.sdk.subscriptions.retrieve(subscriptionId, expand ? { expand } : undefined);
  }

  /** The Subscription Stripe holds for a pledge id (a late retry after we lost its id). */
  async findSubscriptionOfPledge(pledgeId: string): Promise<string | null> {
    const found = await this.sdk.subscriptions.search({
      query: `metadata['pledge_id']:'${pledgeId}'`,
      limit: 1,
    });
    return found.data[0]?.id ?? null;
  }

  /**
   * A new amount from the next payment on, without proration. `recurring` must be the
   * subscription's own cadence (interval and count), which Stripe requires of every price on it.
   */
  changeSubscriptionPrice(
    subscriptionId: string,
    item: {
      id: string;
      product: string;
      currency: string;
      unitAmount: number;
      recurring: { interval: Stripe.Price.Recurring.Interval; interval_count: number };
    },
  ): Promise<Stripe.Subscription> {
    return this.sdk.subscriptions.update(subscriptionId, {
      items: [
        {
          id: item.id,
          price_data: {
            currency: item.currency,
            product: item.product,
            unit_amount: item.unitAmount,
            recurring: item.recurring,
          },
        },
      ],
      proration_behavior: 'none',
    });
  }

  /**
   * A pledge given from now on to another campaign: the same subscription and card, its item
   * billed under that campaign's Product (same amount, no proration), its metadata naming the
   * campaign, renewing again if it was set to end. Its latest invoice comes expanded: the last
   * one billed for the earlier campaign.
   */
  moveSubscription(
    subscriptionId: string,
    move: {
      itemId: string;
      product: string;
      currency: string;
      unitAmount: number;
      recurring: { interval: Stripe.Price.Recurring.Interval; interval_count?: number };
      metadata: { campaign_id: string; campaign_slug: string };
    },
  ): Promise<Stripe.Subscription> {
    return this.sdk.subscriptions.update(subscriptionId, {
      items: [
        {
          id: move.itemId,
          price_data: {
            currency: move.currency,
            product: move.product,
            unit_amount: move.unitAmount,
            recurring: move.recurring,
          },
        },
      ],
      proration_behavior: 'none',
      cancel_at_period_end: false,
      metadata: move.metadata,
      expand: ['latest_invoice'],
    });
  }

  /**
   * Ends the subscription at the end of its current period (`true`), or renews it again; `key`
   * when the same change may be sent more than once.
   */
  setSubscriptionEnding(
    subscriptionId: string,
    ending: boolean,
    key?: string,
  ): Promise<Stripe.Subscription> {
    return this.sdk.subscriptions.update(
      subscriptionId,
      { cancel_at_period_end: ending },
      key ? { idempotencyKey: key } : undefined,
    );
  }

  /** An open invoice that will not be collected: no more payment attempts. */
  voidInvoice(invoiceId: string): Promise<Stripe.Invoice> {
    return this.sdk.invoices.voidInvoice(invoiceId, undefined, {
      idempotencyKey: idempotencyKey('invoice_void', invoiceId),
    });
  }

  /** A gift's PaymentIntent that must not be paid any more (its campaign closed). */
  cancelPaymentIntent(donationId: string, paymentIntentId: string): Promise<Stripe.PaymentIntent> {
    return this.sdk.paymentIntents.cancel(
      paymentIntentId,
      { cancellation_reason: 'abandoned' },
      { idempotencyKey: idempotencyKey('payment_intent_cancel', donationId) },
    );
  }

  /** A Checkout Session that must not be paid any more (its campaign closed). */
  expireCheckoutSession(sessionId: string): Promise<Stripe.Checkout.Session> {
    return this.sdk.checkout.sessions.expire(sessionId, undefined, {
      idempotencyKey: idempotencyKey('checkout_session_expire', sessionId),
    });
  }

  /** Stops collecting (invoices are voided) until `until`, or until resumed. */
  pauseSubscription(subscriptionId: string, until?: Date): Promise<Stripe.Subscription> {
    return this.sdk.subscriptions.update(subscriptionId, {
      pause_collection: {
        behavior: 'void',
        ...(until ? { resumes_at: Math.floor(until.getTime() / 1000) } : {}),
      },
    });
  }

  resumeSubscription(subscriptionId: string): Promise<Stripe.Subscription> {
    return this.sdk.subscriptions.update(subscriptionId, { pause_collection: '' });
  }

  /** Ends a subscription now; `key` when the same cancellation may be sent more than once. */
  cancelSubscription(
    subscriptionId: string,
    comment: string,
    key?: string,
  ): Promise<Stripe.Subscription> {
    return this.sdk.subscriptions.cancel(
      subscriptionId,
      { cancellation_details: { comment } },
      key ? { idempotencyKey: key } : undefined,
    );
  }

  /**
   * The card a pledge's subscription charges from now on. Only the subscription's default:
   * never the customer's invoice_settings default, which anything else billed to that
   * customer would use.
   */
  setSubscriptionCard(
    subscriptionId: string,
    paymentMethodId: string,
  ): Promise<Stripe.Subscription> {
    return this.sdk.subscriptions.update(subscriptionId, {
      default_payment_method: paymentMethodId,
    });
  }

  /** A SetupIntent to save a new card for a pledge, off-session use. */
  createPledgeCardSetup(pledgeId: string, customerId: string): Promise<Stripe.SetupIntent> {
    return this.sdk.setupIntents.create({
      customer: customerId,
      usage: 'off_session',
      automatic_payment_methods: { enabled: true },
      metadata: { pledge_id: pledgeId },
    });
  }

  retrieveSetupIntent(setupIntentId: string): Promise<Stripe.SetupIntent> {
    return this.sdk.setupIntents.retrieve(setupIntentId);
  }

  /** An invoice with the payments made towards it. */
  retrieveInvoiceWithPayments(invoiceId: string): Promise<Stripe.Invoice> {
    return this.sdk.invoices.retrieve(invoiceId, { expand: ['payments'] });
  }

  /** A subscription's invoices still waiting to be paid (at most ten). */
  async openInvoices(subscriptionId: string): Promise<Stripe.Invoice[]> {
    const open = await this.sdk.invoices.list({
      subscription: subscriptionId,
      status: 'open',
      limit: 10,
    });
    return open.data;
  }

  /** Charges an open invoice to a card now, once per (invoice, cause). */
  payInvoice(invoiceId: string, paymentMethodId: string, cause: string): Promise<Stripe.Invoice> {
    return this.sdk.invoices.pay(
      invoiceId,
      { payment_method: paymentMethodId },
      { idempotencyKey: idempotencyKey('invoice_retry', invoiceId, cause) },
    );
  }

  // ---- Payouts ----

  retrievePayout(payoutId: string): Promise<Stripe.Payout> {
    return this.sdk.payouts.retrieve(payoutId);
  }

  /** The balance transactions a payout paid out (the payout's own transaction left out). */
  async payoutTransactions(payoutId: string): Promise<Stripe.BalanceTransaction[]> {
    const transactions: Stripe.BalanceTransaction[] = [];
    for await (const txn of this.sdk.balanceTransactions.list({ payout: payoutId, limit: 100 })) {
      if (txn.type !== 'payout') transactions.push(txn);
    }
    return transactions;
  }
}

/**
 * An idempotency key derived from our own ids, e.g. `idempotencyKey('refund', donationId, 2)`
 * → `refund:<donationId>:2`. The same operation on the same object always sends the same
 * key, so our retries can never charge or refund twice.
 */
export function idempotencyKey(operation: string, ...ids: (string | number)[]): string {
  if (!/^[a-z][a-z0-9_.-]*$/.test(operation))
    throw new Error(`bad idempotency operation "${operation}"`);
  if (!ids.length) throw new Error('an idempotency key needs at least one id');
  const key = [operation, ...ids.map(String)].join(':');
  if (key.length > 255 || ids.some((id) => String(id) === '' || String(id).includes(':'))) {
    throw new Error(`idempotency key parts must be non-empty, without ":", 255 characters in all`);
  }
  return key;
}
