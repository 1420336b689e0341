/**
 * The Stripe stand-in, exercised the way the app uses Stripe: through the real `stripe` SDK
 * over HTTP, and a real HTTP receiver for its webhooks.
 */
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import {
  connectStripeStandIn,
  StandInControlError,
  startStripeStandIn,
  StripeStandIn,
} from '../support/stripe-stand-in';

const WEBHOOK_SECRET = 'whsec_standin_e2e_secret';

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  event: Stripe.Event;
  status: number;
}

interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Answer the next deliveries with these statuses (then 200 again). */
  respondWith(...statuses: number[]): void;
  waitFor(predicate: (delivery: Delivery) => boolean, timeoutMs?: number): Promise<Delivery>;
  types(): string[];
  clear(): void;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const planned: number[] = [];
  const listeners = new Set<() => void>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = planned.shift() ?? 200;
      const event = JSON.parse(body) as Stripe.Event;
      deliveries.push({ path: request.url ?? '/', headers: request.headers, body, event, status });
      response.writeHead(status).end();
      for (const listener of [...listeners]) listener();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stripe/webhook`,
    deliveries,
    respondWith: (...statuses) => planned.push(...statuses),
    types: () => deliveries.map((delivery) => delivery.event.type),
    waitFor(predicate, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = deliveries.find(predicate);
          if (!found) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no matching webhook; received: ${deliveries.map((d) => d.event.type).join(', ')}`,
            ),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    clear: () => {
      deliveries.length = 0;
      planned.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('Stripe stand-in (through the stripe SDK)', () => {
  let standIn: StripeStandIn;
  let receiver: Receiver;
  let stripe: Stripe;

  const sdk = (key: string) =>
    new Stripe(key, {
      host: '127.0.0.1',
      port: standIn.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });

  /** Newest-first API order, turned into the order events happened. */
  const eventTypes = async (params: Stripe.EventListParams = {}) =>
    (await stripe.events.list({ limit: 100, ...params })).data.map((event) => event.type).reverse();

  async function paidPayment(amount = 2000, metadata: Record<string, string> = {}) {
    const intent = await stripe.paymentIntents.create({ amount, currency: 'usd', metadata });
    await standIn.succeedPaymentIntent(intent.id);
    const paid = await stripe.paymentIntents.retrieve(intent.id);
    return { intent: paid, chargeId: paid.latest_charge as string };
  }

  beforeAll(async () => {
    receiver = await startReceiver();
    standIn = await startStripeStandIn({
      webhooks: [{ url: receiver.url, secret: WEBHOOK_SECRET }],
      deliveryRetryDelaysMs: [30, 60],
    });
    stripe = sdk('sk_test_standin');
  });

  afterAll(async () => {
    await standIn.close();
    await receiver.close();
  });

  beforeEach(async () => {
    await standIn.resumeDeliveries();
    await standIn.settleDeliveries();
    await standIn.reset();
    receiver.clear();
  });

  describe('API basics', () => {
    it('creates a PaymentIntent in Stripe’s shape and replays an idempotent request', async () => {
      const params: Stripe.PaymentIntentCreateParams = {
        amount: 2500,
        currency: 'usd',
        description: 'Donation',
        metadata: { donation_id: 'don_1' },
      };
      const intent = await stripe.paymentIntents.create(params, {
        idempotencyKey: 'donation:don_1',
      });

      expect(intent).toMatchObject({
        object: 'payment_intent',
        status: 'requires_payment_method',
        amount: 2500,
        amount_received: 0,
        currency: 'usd',
        description: 'Donation',
        metadata: { donation_id: 'don_1' },
        latest_charge: null,
        livemode: false,
      });
      expect(intent.id).toMatch(/^pi_[A-Za-z0-9]{24}$/);
      expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_[A-Za-z0-9]+$`));
      expect(intent.created).toBeGreaterThan(1_600_000_000);
      expect(intent.lastResponse.requestId).toMatch(/^req_/);

      const replay = await stripe.paymentIntents.create(params, {
        idempotencyKey: 'donation:don_1',
      });
      expect(replay.id).toBe(intent.id);
      expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');

      const conflict = stripe.paymentIntents.create(
        { ...params, amount: 3000 },
        { idempotencyKey: 'donation:don_1' },
      );
      await expect(conflict).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      expect((await stripe.paymentIntents.list()).data.map((pi) => pi.id)).toEqual([intent.id]);
      expect(await eventTypes()).toEqual(['payment_intent.created']);
    });

    it('rejects unknown and missing parameters, unknown ids and bad keys as Stripe does', async () => {
      const unknown = await stripe.paymentIntents
        .create({
          amount: 2500,
          currency: 'usd',
          colour: 'red',
        } as Stripe.PaymentIntentCreateParams)
        .catch((error: unknown) => error);
      expect(unknown).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(unknown).toMatchObject({
        statusCode: 400,
        code: 'parameter_unknown',
        param: 'colour',
        message: 'Received unknown parameter: colour',
      });

      await expect(
        stripe.paymentIntents.create({
          amount: 2500,
          currency: 'usd',
          automatic_payment_methods: { enabled: true, colour: 'red' },
        } as unknown as Stripe.PaymentIntentCreateParams),
      ).rejects.toMatchObject({ param: 'automatic_payment_methods[colour]' });

      await expect(
        stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams),
      ).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        message: 'Missing required param: amount.',
        param: 'amount',
      });

      const missing = await stripe.paymentIntents.retrieve('pi_missing').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(missing).toMatchObject({
        statusCode: 404,
        code: 'resource_missing',
        message: "No such payment_intent: 'pi_missing'",
      });

      await expect(sdk('pk_test_publishable').paymentIntents.list()).rejects.toBeInstanceOf(
        Stripe.errors.StripeAuthenticationError,
      );

      const unknownRoute = await fetch(`${standIn.url}/v1/nothing_here`, {
        headers: { Authorization: 'Bearer sk_test_standin' },
      });
      expect(unknownRoute.status).toBe(404);
      expect(await unknownRoute.json()).toMatchObject({
        error: {
          type: 'invalid_request_error',
          message: expect.stringContaining('Unrecognized request URL'),
        },
      });
    });

    it('enforces minimum amounts and zero- and three-decimal currency rules', async () => {
      await expect(
        stripe.paymentIntents.create({ amount: 49, currency: 'usd' }),
      ).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        code: 'amount_too_small',
        param: 'amount',
      });
      await expect(
        stripe.paymentIntents.create({ amount: 29, currency: 'gbp' }),
      ).rejects.toMatchObject({
        code: 'amount_too_small',
      });
      const yen = await stripe.paymentIntents.create({ amount: 50, currency: 'jpy' });
      expect(yen.amount).toBe(50);
      await expect(
        stripe.paymentIntents.create({ amount: 1005, currency: 'bhd' }),
      ).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        param: 'amount',
      });
      expect((await stripe.paymentIntents.create({ amount: 1010, currency: 'bhd' })).amount).toBe(
        1010,
      );
    });
  });

  describe('payments', () => {
    it('succeeds a payment with fee and net on the balance transaction and a signed webhook', async () => {
      const intent = await stripe.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        metadata: { donation_id: 'don_2' },
      });
      const succeeded = await standIn.succeedPaymentIntent(intent.id);
      expect(succeeded.status).toBe('succeeded');

      const retrieved = await stripe.paymentIntents.retrieve(intent.id, {
        expand: ['latest_charge.balance_transaction'],
      });
      expect(retrieved).toMatchObject({ status: 'succeeded', amount_received: 2000 });
      const charge = retrieved.latest_charge as Stripe.Charge;
      expect(charge).toMatchObject({
        object: 'charge',
        status: 'succeeded',
        paid: true,
        captured: true,
        amount: 2000,
        amount_captured: 2000,
        amount_refunded: 0,
        payment_intent: intent.id,
        metadata: { donation_id: 'don_2' },
      });
      // 2.9% + 30: round(58) + 30 = 88
      expect(charge.balance_transaction).toMatchObject({
        object: 'balance_transaction',
        type: 'charge',
        reporting_category: 'charge',
        source: charge.id,
        currency: 'usd',
        amount: 2000,
        fee: 88,
        net: 1912,
        exchange_rate: null,
        fee_details: [{ amount: 88, currency: 'usd', type: 'stripe_fee' }],
      });

      const delivery = await receiver.waitFor((d) => d.event.type === 'payment_intent.succeeded');
      const signature = delivery.headers['stripe-signature'] as string;
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const event = stripe.webhooks.constructEvent(delivery.body, signature, WEBHOOK_SECRET);
      expect(event.api_version).toBe(Stripe.API_VERSION);
      expect(event.data.object).toMatchObject({ id: intent.id, status: 'succeeded' });
      expect(event.request).toEqual({ id: null, idempotency_key: null });
      expect(() =>
        stripe.webhooks.constructEvent(delivery.body, signature, 'whsec_not_the_secret'),
      ).toThrow(Stripe.errors.StripeSignatureVerificationError);

      await standIn.settleDeliveries();
      expect(receiver.types()).toEqual([
        'payment_intent.created',
        'charge.succeeded',
        'payment_intent.succeeded',
      ]);
      const created = receiver.deliveries[0].event;
      expect(created.request?.id).toBe(intent.lastResponse.requestId);
      // Each event carries the object as it was when the event happened.
      expect(created.data.object).toMatchObject({ status: 'requires_payment_method' });
    });

    it('settles a foreign-currency payment in the account currency when asked to', async () => {
      const intent = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      await standIn.succeedPaymentIntent(intent.id, {
        settlement_currency: 'usd',
        exchange_rate: 1.1,
      });
      const charge = await stripe.charges.retrieve(
        (await stripe.paymentIntents.retrieve(intent.id)).latest_charge as string,
        { expand: ['balance_transaction'] },
      );
      expect(charge.currency).toBe('eur');
      expect(charge.balance_transaction).toMatchObject({
        currency: 'usd',
        amount: 1100,
        exchange_rate: 1.1,
        fee: 62,
        net: 1038,
      });
    });

    it('declines a card on confirmation with a card error and payment_intent.payment_failed', async () => {
      const intent = await stripe.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        payment_method: 'pm_card_chargeDeclined',
      });
      expect(intent.status).toBe('requires_confirmation');
      const declined = await stripe.paymentIntents.confirm(intent.id).catch((e: unknown) => e);
      expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(declined).toMatchObject({
        statusCode: 402,
        code: 'card_declined',
        decline_code: 'generic_decline',
      });

      const after = await stripe.paymentIntents.retrieve(intent.id);
      expect(after.status).toBe('requires_payment_method');
      expect(after.last_payment_error).toMatchObject({ code: 'card_declined', type: 'card_error' });
      expect(await eventTypes()).toEqual([
        'payment_intent.created',
        'charge.failed',
        'payment_intent.payment_failed',
      ]);

      const retried = await stripe.paymentIntents.confirm(intent.id, {
        payment_method: 'pm_card_visa',
      });
      expect(retried.status).toBe('succeeded');
    });
  });

  describe('refunds, disputes and payouts', () => {
    it('refunds partially twice, refuses more than remains, and can fail a refund later', async () => {
      const { intent, chargeId } = await paidPayment(2000);

      const first = await stripe.refunds.create({ payment_intent: intent.id, amount: 500 });
      const second = await stripe.refunds.create({ charge: chargeId, amount: 700 });
      expect(first).toMatchObject({
        object: 'refund',
        status: 'succeeded',
        amount: 500,
        charge: chargeId,
      });
      expect(second.amount).toBe(700);
      const firstTxn = await stripe.balanceTransactions.retrieve(
        first.balance_transaction as string,
      );
      expect(firstTxn).toMatchObject({
        type: 'refund',
        amount: -500,
        fee: 0,
        net: -500,
        source: first.id,
      });

      const tooMuch = stripe.refunds.create({ charge: chargeId, amount: 1000 });
      await expect(tooMuch).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      await expect(tooMuch).rejects.toMatchObject({ param: 'amount', code: 'amount_too_large' });

      const rest = await stripe.refunds.create({ charge: chargeId });
      expect(rest.amount).toBe(800);
      await expect(stripe.refunds.create({ charge: chargeId })).rejects.toMatchObject({
        code: 'charge_already_refunded',
      });
      expect(await stripe.charges.retrieve(chargeId)).toMatchObject({
        amount_refunded: 2000,
        refunded: true,
      });

      const failed = await standIn.failRefund(first.id);
      expect(failed).toMatchObject({
        status: 'failed',
        failure_reason: 'expired_or_canceled_card',
      });
      expect(await stripe.charges.retrieve(chargeId)).toMatchObject({
        amount_refunded: 1500,
        refunded: false,
      });
      const [updated] = (await stripe.events.list({ type: 'charge.refund.updated' })).data;
      expect(updated.data.object).toMatchObject({ id: first.id, status: 'failed' });
      expect(updated.data.previous_attributes).toMatchObject({ status: 'succeeded' });
      expect((await stripe.refunds.list({ charge: chargeId })).data).toHaveLength(3);
      const withRefunds = await stripe.charges.retrieve(chargeId, { expand: ['refunds'] });
      expect(withRefunds.refunds?.data.map((refund) => refund.amount)).toEqual([800, 700, 500]);
      expect((await stripe.charges.retrieve(chargeId)).refunds).toBeUndefined();
    });

    it('takes the disputed amount and fee, keeps them when lost and returns them when won', async () => {
      const lost = await paidPayment(2000);
      const won = await paidPayment(3000);

      const lostDispute = await standIn.disputeCharge(lost.chargeId, { reason: 'fraudulent' });
      expect(lostDispute).toMatchObject({
        object: 'dispute',
        status: 'needs_response',
        amount: 2000,
      });
      expect(lostDispute.id).toMatch(/^du_/);
      expect(lostDispute.balance_transactions).toEqual([
        expect.objectContaining({
          amount: -2000,
          fee: 1500,
          net: -3500,
          reporting_category: 'dispute',
        }),
      ]);
      expect((await stripe.charges.retrieve(lost.chargeId)).disputed).toBe(true);
      await expect(stripe.refunds.create({ charge: lost.chargeId })).rejects.toMatchObject({
        code: 'charge_disputed',
      });
      const submitted = await stripe.disputes.update(lostDispute.id, {
        evidence: { uncategorized_text: 'Donation confirmed by the donor' },
        submit: true,
      });
      expect(submitted).toMatchObject({
        status: 'under_review',
        evidence: { uncategorized_text: 'Donation confirmed by the donor' },
      });
      await expect(
        stripe.disputes.update(lostDispute.id, {
          evidence: { favourite_colour: 'red' },
        } as Stripe.DisputeUpdateParams),
      ).rejects.toMatchObject({ param: 'evidence[favourite_colour]' });
      await standIn.closeDispute(lostDispute.id, { outcome: 'lost' });
      expect((await stripe.disputes.retrieve(lostDispute.id)).status).toBe('lost');

      const wonDispute = await standIn.disputeCharge(won.chargeId);
      await standIn.closeDispute(wonDispute.id, { outcome: 'won' });
      const closed = await stripe.disputes.retrieve(wonDispute.id);
      expect(closed.status).toBe('won');
      expect(closed.balance_transactions.map((txn) => [txn.amount, txn.fee, txn.net])).toEqual([
        [-3000, 1500, -4500],
        [3000, -1500, 4500],
      ]);

      const disputeEvents = (
        await stripe.events.list({ type: 'charge.dispute.*', limit: 100 })
      ).data
        .reverse()
        .map(
          (event) =>
            `${(event.data.object as Stripe.Dispute).id === wonDispute.id ? 'won' : 'lost'}:${event.type}`,
        );
      expect(disputeEvents).toEqual([
        'lost:charge.dispute.created',
        'lost:charge.dispute.funds_withdrawn',
        'lost:charge.dispute.updated',
        'lost:charge.dispute.closed',
        'won:charge.dispute.created',
        'won:charge.dispute.funds_withdrawn',
        'won:charge.dispute.funds_reinstated',
        'won:charge.dispute.closed',
      ]);
      await expect(standIn.closeDispute(wonDispute.id, { outcome: 'lost' })).rejects.toMatchObject({
        status: 400,
      });
    });

    it('pays out the available balance and lists what the payout contains', async () => {
      const first = await paidPayment(2000); // net 1912
      await paidPayment(1000); // fee round(29) + 30 = 59, net 941
      await stripe.refunds.create({ charge: first.chargeId, amount: 500 });

      const payout = await standIn.createPayout();
      expect(payout).toMatchObject({ object: 'payout', status: 'paid', amount: 1912 + 941 - 500 });
      const contents = await stripe.balanceTransactions.list({ payout: payout.id, limit: 100 });
      expect(contents.data.map((txn) => txn.type).sort()).toEqual([
        'charge',
        'charge',
        'payout',
        'refund',
      ]);
      expect(contents.data.reduce((sum, txn) => sum + txn.net, 0)).toBe(0);
      expect(await eventTypes({ types: ['payout.created', 'payout.paid'] })).toEqual([
        'payout.created',
        'payout.paid',
      ]);
      await expect(standIn.createPayout()).rejects.toMatchObject({ status: 400 });

      await paidPayment(1000);
      const failed = await standIn.createPayout({ status: 'failed' });
      expect(failed).toMatchObject({
        status: 'failed',
        failure_code: 'account_closed',
        amount: 941,
      });
      expect((await stripe.payouts.retrieve(failed.id)).failure_balance_transaction).toMatch(
        /^txn_/,
      );
      const failedContents = await stripe.balanceTransactions.list({ payout: failed.id });
      expect(failedContents.data.map((txn) => [txn.type, txn.amount])).toEqual([
        ['payout', -941],
        ['charge', 1000],
      ]);
      // The failed payout's money is back in the balance.
      const balance = await stripe.balance.retrieve();
      expect(balance.available).toEqual([
        expect.objectContaining({ currency: 'usd', amount: 941 }),
      ]);
    });
  });

  describe('Checkout', () => {
    const lineItems: Stripe.Checkout.SessionCreateParams.LineItem[] = [
      {
        price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'Donation' } },
        quantity: 2,
      },
    ];

    it('completes a session with a delayed payment method, then the payment succeeds', async () => {
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: lineItems,
        success_url: 'https://example.org/thanks?session={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://example.org/cancel',
        metadata: { campaign_id: 'cmp_1' },
        payment_intent_data: { metadata: { donation_id: 'don_9' } },
      });
      expect(session).toMatchObject({
        object: 'checkout.session',
        status: 'open',
        payment_status: 'unpaid',
        amount_total: 3000,
        currency: 'usd',
        payment_intent: null,
      });
      expect(session.url).toBe(`${standIn.url}/c/pay/${session.id}`);
      const page = await fetch(session.url as string);
      expect(page.status).toBe(200);

      await standIn.completeCheckoutSession(session.id, { payment_status: 'unpaid' });
      const completed = await stripe.checkout.sessions.retrieve(session.id, {
        expand: ['payment_intent'],
      });
      expect(completed).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
      expect(completed.payment_intent).toMatchObject({
        status: 'processing',
        amount: 3000,
        metadata: { donation_id: 'don_9' },
      });

      await standIn.succeedCheckoutAsyncPayment(session.id);
      expect((await stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('paid');
      const items = await stripe.checkout.sessions.listLineItems(session.id);
      expect(items.data).toEqual([
        expect.objectContaining({
          object: 'item',
          description: 'Donation',
          quantity: 2,
          amount_total: 3000,
        }),
      ]);
      expect(await eventTypes({ type: 'checkout.session.*' })).toEqual([
        'checkout.session.completed',
        'checkout.session.async_payment_succeeded',
      ]);
    });

    it('completes a card payment from the simulated payment page, and expires sessions', async () => {
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: lineItems,
        success_url: 'https://example.org/thanks?session={CHECKOUT_SESSION_ID}',
      });
      const pay = await fetch(`${standIn.url}/c/pay/${session.id}/pay`, {
        method: 'POST',
        redirect: 'manual',
      });
      expect(pay.status).toBe(303);
      expect(pay.headers.get('location')).toBe(`https://example.org/thanks?session=${session.id}`);
      const paid = await stripe.checkout.sessions.retrieve(session.id);
      expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid' });
      expect((await stripe.paymentIntents.retrieve(paid.payment_intent as string)).status).toBe(
        'succeeded',
      );

      const other = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: lineItems,
      });
      expect((await stripe.checkout.sessions.expire(other.id)).status).toBe('expired');
      await expect(standIn.completeCheckoutSession(other.id)).rejects.toMatchObject({
        status: 400,
      });

      const stale = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: lineItems,
      });
      await standIn.advanceClock(24 * 3600);
      expect((await stripe.checkout.sessions.retrieve(stale.id)).status).toBe('expired');
      expect(await eventTypes({ type: 'checkout.session.expired' })).toHaveLength(2);
    });
  });

  describe('events and webhook delivery', () => {
    it('lists events newest first with cursors, filters and has_more', async () => {
      const customers: Stripe.Customer[] = [];
      for (const name of ['a', 'b', 'c']) customers.push(await stripe.customers.create({ name }));
      await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });

      const first = await stripe.events.list({ limit: 2 });
      expect(first.has_more).toBe(true);
      expect(first.data.map((e) => e.type)).toEqual(['payment_intent.created', 'customer.created']);
      expect((first.data[1].data.object as Stripe.Customer).id).toBe(customers[2].id);

      const second = await stripe.events.list({ limit: 2, starting_after: first.data[1].id });
      expect(second.has_more).toBe(false);
      expect(second.data.map((e) => (e.data.object as Stripe.Customer).id)).toEqual([
        customers[1].id,
        customers[0].id,
      ]);
      const back = await stripe.events.list({ limit: 1, ending_before: second.data[0].id });
      expect(back.data.map((e) => e.id)).toEqual([first.data[1].id]);
      expect(back.has_more).toBe(true);

      const all: string[] = [];
      for await (const event of stripe.events.list({ limit: 2 })) all.push(event.id);
      expect(all).toHaveLength(4);
      expect((await stripe.events.list({ types: ['customer.created'] })).data).toHaveLength(3);
      expect((await stripe.events.list({ type: 'payment_intent.*' })).data).toHaveLength(1);

      const { now } = await standIn.advanceClock(3600);
      await stripe.customers.create({ name: 'later' });
      const recent = await stripe.events.list({ created: { gte: now } });
      expect(recent.data.map((e) => (e.data.object as Stripe.Customer).name)).toEqual(['later']);
      const renamed = await stripe.customers.update(customers[0].id, { name: 'renamed' });
      expect(renamed.name).toBe('renamed');
      const [updated] = (await stripe.events.list({ type: 'customer.updated' })).data;
      expect(updated.data.previous_attributes).toEqual({ name: 'a' });
      expect(await stripe.events.retrieve(first.data[0].id)).toMatchObject({
        id: first.data[0].id,
      });
    });

    it('retries a failing receiver until it accepts, and records every attempt', async () => {
      receiver.respondWith(500, 503);
      const customer = await stripe.customers.create({ name: 'retry' });
      const delivered = await receiver.waitFor(
        (d) => d.status === 200 && d.event.type === 'customer.created',
      );
      await standIn.settleDeliveries();

      expect(receiver.deliveries.map((d) => [d.event.id, d.status])).toEqual([
        [delivered.event.id, 500],
        [delivered.event.id, 503],
        [delivered.event.id, 200],
      ]);
      const [record] = await standIn.events();
      expect(record.event.data.object).toMatchObject({ id: customer.id });
      expect(record.deliveries).toHaveLength(1);
      expect(record.deliveries[0].status).toBe('succeeded');
      expect(
        record.deliveries[0].attempts.map((a) => [a.trigger, a.http_status, a.outcome]),
      ).toEqual([
        ['automatic', 500, 'failed'],
        ['retry', 503, 'failed'],
        ['retry', 200, 'succeeded'],
      ]);
      expect((await stripe.events.retrieve(record.id)).pending_webhooks).toBe(0);

      receiver.respondWith(500, 500, 500);
      await stripe.customers.create({ name: 'gives up' });
      await standIn.settleDeliveries();
      const [, failed] = await standIn.events();
      expect(failed.deliveries[0]).toMatchObject({ status: 'failed' });
      expect(failed.deliveries[0].attempts).toHaveLength(3);
      expect((await stripe.events.retrieve(failed.id)).pending_webhooks).toBe(1);
      expect((await stripe.events.list({ delivery_success: false })).data.map((e) => e.id)).toEqual(
        [failed.id],
      );
    });

    it('holds deliveries while paused, drops a lost event and redelivers in a chosen order', async () => {
      await standIn.pauseDeliveries();
      const names = ['first', 'second', 'third'];
      for (const name of names) await stripe.customers.create({ name });
      const [a, b, c] = (await standIn.events()).map((record) => record.id);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(receiver.deliveries).toHaveLength(0);

      const dropped = await standIn.dropEvent(b);
      expect(dropped.deliveries[0].status).toBe('dropped');
      const attempts = await standIn.redeliverEvents([c, a]);
      expect(attempts.map((attempt) => [attempt.event_id, attempt.outcome])).toEqual([
        [c, 'succeeded'],
        [a, 'succeeded'],
      ]);
      expect(receiver.deliveries.map((d) => d.event.id)).toEqual([c, a]);

      await standIn.resumeDeliveries();
      await standIn.settleDeliveries();
      expect(receiver.deliveries.map((d) => d.event.id)).toEqual([c, a]);
      expect((await stripe.events.list()).data.map((e) => e.id)).toEqual([c, b, a]);

      const [resent] = await standIn.redeliverEvent(b);
      expect(resent).toMatchObject({ event_id: b, trigger: 'redelivery', outcome: 'succeeded' });
      expect(receiver.deliveries.map((d) => d.event.id)).toEqual([c, a, b]);
    });

    it('delivers to endpoints created through the API with their own secret and version', async () => {
      const endpoint = await stripe.webhookEndpoints.create({
        url: `${receiver.url}?via=api`,
        enabled_events: ['customer.created'],
      });
      expect(endpoint.secret).toMatch(/^whsec_/);
      expect(endpoint.api_version).toBe(Stripe.API_VERSION);
      await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
      await stripe.customers.create({ name: 'api endpoint' });
      const viaApi = await receiver.waitFor((d) => d.path.endsWith('?via=api'));
      expect(viaApi.event.type).toBe('customer.created');
      const event = stripe.webhooks.constructEvent(
        viaApi.body,
        viaApi.headers['stripe-signature'] as string,
        endpoint.secret as string,
      );
      expect(event.type).toBe('customer.created');

      expect((await stripe.webhookEndpoints.list()).data).toHaveLength(2);
      expect(await stripe.webhookEndpoints.del(endpoint.id)).toMatchObject({ deleted: true });
    });
  });

  it('exposes the same control operations over HTTP', async () => {
    const control = connectStripeStandIn(standIn.url);
    const intent = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
    const succeeded = await control.succeedPaymentIntent(intent.id);
    expect(succeeded.status).toBe('succeeded');
    expect((await control.events()).map((record) => record.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
    const missing = await control.succeedPaymentIntent('pi_missing').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(StandInControlError);
    expect(missing).toMatchObject({ status: 404, error: { code: 'resource_missing' } });
  });
});
