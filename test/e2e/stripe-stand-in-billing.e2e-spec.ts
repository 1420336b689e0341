/**
 * Recurring billing in the Stripe stand-in (products, prices, subscriptions, invoices,
 * invoice payments, setup intents), through the real `stripe` SDK over HTTP, with a real
 * HTTP receiver checking that the webhooks are signed.
 */
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import {
  connectStripeStandIn,
  startStripeStandIn,
  StripeStandIn,
} from '../support/stripe-stand-in';

const WEBHOOK_SECRET = 'whsec_standin_billing_e2e';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  event: Stripe.Event;
}

describe('Stripe stand-in: recurring billing (through the stripe SDK)', () => {
  let standIn: StripeStandIn;
  let stripe: Stripe;
  let server: Server;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        deliveries.push({
          headers: request.headers,
          body,
          event: JSON.parse(body) as Stripe.Event,
        });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    standIn = await startStripeStandIn({
      webhooks: [{ url: `http://127.0.0.1:${port}/webhook`, secret: WEBHOOK_SECRET }],
      deliveryRetryDelaysMs: [30],
    });
    stripe = new Stripe('sk_test_billing', {
      host: '127.0.0.1',
      port: standIn.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  });

  afterAll(async () => {
    await standIn.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  /** Events about one object, in the order they happened. */
  async function eventsFor(id: string): Promise<Stripe.Event[]> {
    await standIn.settleDeliveries();
    return deliveries
      .map((delivery) => delivery.event)
      .filter((event) => {
        const object = event.data.object as unknown as Record<string, unknown>;
        return (
          object.id === id ||
          object.subscription === id ||
          (object.parent as Stripe.Invoice.Parent | undefined)?.subscription_details
            ?.subscription === id ||
          object.invoice === id
        );
      });
  }

  const typesOf = (events: Stripe.Event[]) => events.map((event) => event.type);

  async function newCustomer() {
    return stripe.customers.create({ email: 'donor@example.org', name: 'A Donor' });
  }

  async function monthlySubscription(
    customer: string,
    unitAmount = 1500,
    extra: Partial<Stripe.SubscriptionCreateParams> = {},
  ) {
    const product = await stripe.products.create({ name: 'Monthly gift' });
    return stripe.subscriptions.create({
      customer,
      items: [
        {
          price_data: {
            currency: 'usd',
            product: product.id,
            unit_amount: unitAmount,
            recurring: { interval: 'month' },
          },
        },
      ],
      payment_behavior: 'default_incomplete',
      payment_settings: { save_default_payment_method: 'on_subscription' },
      expand: ['latest_invoice.confirmation_secret', 'latest_invoice.payments'],
      metadata: { pledge: 'pl_1' },
      ...extra,
    });
  }

  function firstPaymentIntent(subscription: Stripe.Subscription): string {
    const invoice = subscription.latest_invoice as Stripe.Invoice;
    return invoice.payments?.data[0].payment.payment_intent as string;
  }

  async function activeSubscription(customer: string, unitAmount = 1500) {
    const created = await monthlySubscription(customer, unitAmount);
    await standIn.succeedPaymentIntent(firstPaymentIntent(created));
    return stripe.subscriptions.retrieve(created.id);
  }

  it('creates products and recurring prices, with Stripe validation errors', async () => {
    const product = await stripe.products.create({
      name: 'Sponsorship',
      description: 'Monthly sponsorship',
      metadata: { kind: 'pledge' },
    });
    expect(product).toMatchObject({ object: 'product', active: true, name: 'Sponsorship' });
    const price = await stripe.prices.create({
      product: product.id,
      unit_amount: 2500,
      currency: 'eur',
      recurring: { interval: 'month', interval_count: 3 },
      metadata: { plan: 'quarterly' },
    });
    expect(price).toMatchObject({
      type: 'recurring',
      unit_amount: 2500,
      currency: 'eur',
      recurring: { interval: 'month', interval_count: 3, usage_type: 'licensed' },
    });
    expect((await stripe.prices.retrieve(price.id)).id).toBe(price.id);
    expect((await stripe.prices.list({ product: product.id })).data.map((p) => p.id)).toEqual([
      price.id,
    ]);
    expect((await stripe.products.list({ limit: 100 })).data.map((p) => p.id)).toContain(
      product.id,
    );

    await expect(
      stripe.prices.create({
        product: product.id,
        unit_amount: 100,
        currency: 'usd',
        recurring: { interval: 'fortnight' as 'week' },
      }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'recurring[interval]' });
    await expect(
      stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 100,
        foo: 1,
      } as never),
    ).rejects.toMatchObject({ message: 'Received unknown parameter: foo' });

    const customer = await newCustomer();
    const oneTime = await stripe.prices.create({
      product: product.id,
      unit_amount: 500,
      currency: 'usd',
    });
    await expect(
      stripe.subscriptions.create({ customer: customer.id, items: [{ price: oneTime.id }] }),
    ).rejects.toMatchObject({ param: 'items[0][price]' });
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price_data: { currency: 'usd', product: product.id, unit_amount: 500 } }],
      } as Stripe.SubscriptionCreateParams),
    ).rejects.toMatchObject({
      message: 'Missing required param: items[0][price_data][recurring].',
    });
    await expect(
      stripe.subscriptions.create({ customer: 'cus_missing', items: [{ price: price.id }] }),
    ).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'customer' });

    const types = typesOf(await eventsFor(product.id));
    expect(types).toContain('product.created');
    expect(typesOf(await eventsFor(price.id))).toEqual(['price.created']);
  });

  it("follows a subscription's life from first payment to cancellation", async () => {
    const customer = await newCustomer();
    const subscription = await monthlySubscription(customer.id);
    expect(subscription.status).toBe('incomplete');
    const first = subscription.latest_invoice as Stripe.Invoice;
    expect(first).toMatchObject({
      status: 'open',
      billing_reason: 'subscription_create',
      amount_due: 1500,
      amount_paid: 0,
      amount_remaining: 1500,
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: subscription.id },
      },
    });
    const hosted = await fetch(first.hosted_invoice_url as string);
    expect(hosted.status).toBe(200);
    expect(await hosted.text()).toContain('Amount due');
    expect(first.confirmation_secret).toEqual({
      client_secret: expect.stringMatching(/^pi_\w+_secret_\w+$/),
      type: 'payment_intent',
    });
    const payment = first.payments?.data[0];
    expect(payment).toMatchObject({ object: 'invoice_payment', status: 'open', invoice: first.id });
    const firstIntentId = payment?.payment.payment_intent as string;
    const firstIntent = await stripe.paymentIntents.retrieve(firstIntentId);
    expect(firstIntent).toMatchObject({
      amount: 1500,
      customer: customer.id,
      metadata: {},
      status: 'requires_payment_method',
      client_secret: first.confirmation_secret?.client_secret,
    });
    const item = subscription.items.data[0];
    expect(item.current_period_end).toBeGreaterThan(item.current_period_start);

    // The donor pays in the browser (Stripe.js confirms the PaymentIntent).
    await stripe.paymentIntents.confirm(firstIntentId, { payment_method: 'pm_card_visa' });
    const active = await stripe.subscriptions.retrieve(subscription.id, {
      expand: ['latest_invoice'],
    });
    expect(active.status).toBe('active');
    expect(active.default_payment_method).toMatch(/^pm_/);
    const paidFirst = active.latest_invoice as Stripe.Invoice;
    expect(paidFirst).toMatchObject({ status: 'paid', amount_paid: 1500, amount_remaining: 0 });
    expect(paidFirst.status_transitions.paid_at).toEqual(expect.any(Number));
    const savedCard = await stripe.paymentMethods.retrieve(active.default_payment_method as string);
    expect(savedCard.customer).toBe(customer.id);

    let events = await eventsFor(subscription.id);
    expect(typesOf(events)).toEqual(
      expect.arrayContaining([
        'customer.subscription.created',
        'invoice.created',
        'invoice.finalized',
        'invoice.paid',
        'invoice.payment_succeeded',
        'customer.subscription.updated',
      ]),
    );
    expect(typesOf(await eventsFor(first.id))).toContain('invoice_payment.paid');
    const activated = events.find((event) => event.type === 'customer.subscription.updated');
    expect(activated?.data.previous_attributes).toMatchObject({
      status: 'incomplete',
      default_payment_method: null,
    });

    // Two renewals: periods move forward, each cycle invoice is paid.
    let periodEnd = item.current_period_end;
    for (let cycle = 0; cycle < 2; cycle += 1) {
      const renewed = await standIn.renewSubscription(subscription.id);
      const renewedItem = renewed.subscription.items.data[0];
      expect(renewedItem.current_period_start).toBe(periodEnd);
      expect(renewedItem.current_period_end).toBeGreaterThan(periodEnd);
      periodEnd = renewedItem.current_period_end;
      expect(renewed.invoice).toMatchObject({
        billing_reason: 'subscription_cycle',
        status: 'paid',
        amount_paid: 1500,
      });
      expect(renewed.invoice?.lines.data[0]).toMatchObject({
        amount: 1500,
        period: { start: renewedItem.current_period_start, end: periodEnd },
        pricing: { price_details: { price: renewedItem.price.id } },
      });
    }
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((invoice) => invoice.status)).toEqual(['paid', 'paid', 'paid']);

    // The donor raises the monthly amount from the next period, without proration.
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [
        {
          id: item.id,
          price_data: {
            currency: 'usd',
            product: item.price.product as string,
            unit_amount: 2500,
            recurring: { interval: 'month' },
          },
        },
      ],
      proration_behavior: 'none',
    });
    expect(updated.items.data[0]).toMatchObject({ id: item.id, price: { unit_amount: 2500 } });
    const raised = await standIn.renewSubscription(subscription.id);
    expect(raised.invoice).toMatchObject({ status: 'paid', amount_paid: 2500 });

    // A renewal payment fails: past_due, invoice.payment_failed.
    const failed = await standIn.renewSubscription(subscription.id, {
      outcome: 'fail',
      decline_code: 'insufficient_funds',
    });
    expect(failed.subscription.status).toBe('past_due');
    const failedInvoice = failed.invoice as Stripe.Invoice;
    expect(failedInvoice).toMatchObject({ status: 'open', attempted: true, attempt_count: 1 });
    events = await eventsFor(failedInvoice.id);
    expect(typesOf(events)).toContain('invoice.payment_failed');
    const [failedPayment] = (await stripe.invoicePayments.list({ invoice: failedInvoice.id })).data;
    const failedIntent = await stripe.paymentIntents.retrieve(
      failedPayment.payment.payment_intent as string,
    );
    expect(failedIntent.last_payment_error?.decline_code).toBe('insufficient_funds');

    // The donor saves a new card; the app makes it the default and retries the invoice.
    const setup = await stripe.setupIntents.create({
      customer: customer.id,
      usage: 'off_session',
      automatic_payment_methods: { enabled: true },
      metadata: { pledge: 'pl_1' },
    });
    expect(setup.client_secret).toMatch(/^seti_\w+_secret_\w+$/);
    const saved = await standIn.succeedSetupIntent(setup.id);
    expect(saved.status).toBe('succeeded');
    const newCard = saved.payment_method as string;
    expect((await stripe.paymentMethods.retrieve(newCard)).customer).toBe(customer.id);
    await stripe.subscriptions.update(subscription.id, { default_payment_method: newCard });
    const retried = await stripe.invoices.pay(failedInvoice.id);
    expect(retried).toMatchObject({ status: 'paid', attempt_count: 2, amount_remaining: 0 });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
    const retriedIntent = await stripe.paymentIntents.retrieve(failedIntent.id);
    expect(retriedIntent).toMatchObject({ status: 'succeeded', payment_method: newCard });

    // Pause collection: the renewal invoice is voided and nothing is charged.
    await stripe.subscriptions.update(subscription.id, {
      pause_collection: { behavior: 'void' },
    });
    const paused = await standIn.renewSubscription(subscription.id);
    expect(paused.subscription).toMatchObject({
      status: 'active',
      pause_collection: { behavior: 'void', resumes_at: null },
    });
    expect(paused.invoice?.status).toBe('void');
    expect((await stripe.invoicePayments.list({ invoice: paused.invoice?.id })).data).toEqual([]);

    // Resume, renew (charged again), then cancel.
    const resumed = await stripe.subscriptions.update(subscription.id, { pause_collection: '' });
    expect(resumed.pause_collection).toBeNull();
    expect((await standIn.renewSubscription(subscription.id)).invoice?.status).toBe('paid');
    const canceled = await stripe.subscriptions.cancel(subscription.id, {
      cancellation_details: { comment: 'Pledge fulfilled' },
    });
    expect(canceled).toMatchObject({
      status: 'canceled',
      cancellation_details: { reason: 'cancellation_requested', comment: 'Pledge fulfilled' },
    });
    expect(canceled.canceled_at).toEqual(expect.any(Number));
    expect(canceled.ended_at).toEqual(expect.any(Number));

    events = await eventsFor(subscription.id);
    const types = typesOf(events);
    expect(types[types.length - 1]).toBe('customer.subscription.deleted');
    expect(types.filter((type) => type === 'invoice.voided')).toHaveLength(1);
    expect(types.filter((type) => type === 'invoice.paid')).toHaveLength(6);
    const pauseEvent = events.find(
      (event) =>
        event.type === 'customer.subscription.updated' &&
        (event.data.previous_attributes as Record<string, unknown> | undefined)
          ?.pause_collection === null,
    );
    expect(pauseEvent).toBeDefined();

    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toEqual([]);
    expect(
      (await stripe.subscriptions.list({ customer: customer.id, status: 'canceled' })).data,
    ).toHaveLength(1);
  });

  it('leaves a subscription incomplete when the first payment is declined', async () => {
    const customer = await newCustomer();
    const subscription = await monthlySubscription(customer.id);
    const intentId = firstPaymentIntent(subscription);
    await expect(
      stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_chargeDeclined' }),
    ).rejects.toMatchObject({ type: 'StripeCardError', code: 'card_declined' });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('incomplete');
    const invoice = await stripe.invoices.retrieve(
      (subscription.latest_invoice as Stripe.Invoice).id,
    );
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1 });
    expect(typesOf(await eventsFor(invoice.id))).toContain('invoice.payment_failed');

    await standIn.succeedPaymentIntent(intentId);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('cancels for failed payments when retries are exhausted', async () => {
    const customer = await newCustomer();
    const subscription = await activeSubscription(customer.id);
    const { invoice } = await standIn.renewSubscription(subscription.id, { outcome: 'fail' });
    const ended = await standIn.giveUpSubscription(subscription.id);
    expect(ended).toMatchObject({
      status: 'canceled',
      cancellation_details: { reason: 'payment_failed' },
    });
    expect((await stripe.invoices.retrieve(invoice?.id as string)).status).toBe('uncollectible');
    const types = typesOf(await eventsFor(subscription.id));
    expect(types.slice(-2)).toEqual([
      'invoice.marked_uncollectible',
      'customer.subscription.deleted',
    ]);
    await expect(standIn.renewSubscription(subscription.id)).rejects.toMatchObject({
      type: 'invalid_request_error',
    });
  });

  it('asks for authentication on a renewal that requires an action', async () => {
    const customer = await newCustomer();
    const subscription = await activeSubscription(customer.id);
    const { invoice } = await standIn.renewSubscription(subscription.id, {
      outcome: 'requires_action',
    });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    expect(typesOf(await eventsFor(invoice?.id as string))).toContain(
      'invoice.payment_action_required',
    );
    const paid = await standIn.succeedInvoice(invoice?.id as string);
    expect(paid.status).toBe('paid');
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('cancels instead of renewing once cancel_at has come', async () => {
    const customer = await newCustomer();
    const subscription = await activeSubscription(customer.id);
    const end = subscription.items.data[0].current_period_end;
    await stripe.subscriptions.update(subscription.id, { cancel_at: end });
    const result = await standIn.renewSubscription(subscription.id);
    expect(result.invoice).toBeNull();
    expect(result.subscription).toMatchObject({
      status: 'canceled',
      cancellation_details: { reason: 'cancellation_requested' },
    });
  });

  it('lists invoice payments by PaymentIntent; installments refund like one-off charges', async () => {
    const customer = await newCustomer();
    const subscription = await activeSubscription(customer.id, 4000);
    const intentId = firstPaymentIntent(
      await stripe.subscriptions.retrieve(subscription.id, {
        expand: ['latest_invoice.payments'],
      }),
    );
    const payments = await stripe.invoicePayments.list({
      payment: { type: 'payment_intent', payment_intent: intentId },
    });
    expect(payments.data).toHaveLength(1);
    expect(payments.data[0]).toMatchObject({
      status: 'paid',
      amount_paid: 4000,
      invoice: subscription.latest_invoice,
    });
    expect((await stripe.invoicePayments.retrieve(payments.data[0].id)).id).toBe(
      payments.data[0].id,
    );
    const intent = await stripe.paymentIntents.retrieve(intentId, {
      expand: ['latest_charge.balance_transaction'],
    });
    const charge = intent.latest_charge as Stripe.Charge;
    const txn = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(txn).toMatchObject({ amount: 4000, fee: Math.round(4000 * 0.029) + 30 });
    const refund = await stripe.refunds.create({ payment_intent: intentId, amount: 1000 });
    expect(refund.status).toBe('succeeded');
  });

  it('attaches, lists and detaches payment methods; sets the customer default', async () => {
    const customer = await newCustomer();
    const card = await stripe.paymentMethods.attach('pm_card_mastercard', {
      customer: customer.id,
    });
    expect(card.customer).toBe(customer.id);
    const list = await stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
    expect(list.data.map((method) => method.id)).toEqual([card.id]);
    const updated = await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
      metadata: { donor: 'yes' },
    });
    expect(updated.invoice_settings.default_payment_method).toBe(card.id);
    expect(updated.metadata).toEqual({ donor: 'yes' });
    expect(typesOf(await eventsFor(card.id))).toEqual(['payment_method.attached']);

    // Without default_incomplete, the first invoice is charged to the customer's default.
    const product = await stripe.products.create({ name: 'Yearly gift' });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 12000,
      recurring: { interval: 'year' },
    });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    expect(subscription.status).toBe('active');
    expect(
      (await stripe.subscriptions.list({ price: price.id })).data.map((sub) => sub.id),
    ).toEqual([subscription.id]);

    const other = await newCustomer();
    await expect(
      stripe.customers.update(other.id, { invoice_settings: { default_payment_method: card.id } }),
    ).rejects.toMatchObject({ param: 'invoice_settings[default_payment_method]' });
    const detached = await stripe.paymentMethods.detach(card.id);
    expect(detached.customer).toBeNull();
  });

  it('fails setup intents, and drives billing over the HTTP control client', async () => {
    const customer = await newCustomer();
    const setup = await stripe.setupIntents.create({
      customer: customer.id,
      allowed_payment_method_types: ['card'],
    });
    expect(setup.allowed_payment_method_types).toEqual(['card']);
    await expect(
      stripe.setupIntents.confirm(setup.id, { payment_method: 'pm_card_chargeDeclined' }),
    ).rejects.toMatchObject({ type: 'StripeCardError', code: 'card_declined' });
    const control = connectStripeStandIn(standIn.url);
    const failed = await control.failSetupIntent(setup.id);
    expect(failed.status).toBe('requires_payment_method');
    const confirmed = await stripe.setupIntents.confirm(setup.id, {
      payment_method: 'pm_card_visa',
    });
    expect(confirmed.status).toBe('succeeded');
    const types = typesOf(await eventsFor(setup.id));
    expect(types).toEqual([
      'setup_intent.created',
      'setup_intent.setup_failed',
      'setup_intent.setup_failed',
      'setup_intent.succeeded',
    ]);

    const subscription = await monthlySubscription(customer.id);
    await control.succeedPaymentIntent(firstPaymentIntent(subscription));
    const renewed = await control.renewSubscription(subscription.id);
    expect(renewed.invoice?.status).toBe('paid');
    const ended = await control.giveUpSubscription(subscription.id, { invoice_action: 'void' });
    expect(ended.status).toBe('canceled');
  });

  it('signs every billing webhook so that the SDK verifies it', async () => {
    await standIn.settleDeliveries();
    expect(deliveries.length).toBeGreaterThan(20);
    for (const delivery of deliveries) {
      const event = stripe.webhooks.constructEvent(
        delivery.body,
        delivery.headers['stripe-signature'] as string,
        WEBHOOK_SECRET,
      );
      expect(event.id).toBe(delivery.event.id);
    }
  });
});
