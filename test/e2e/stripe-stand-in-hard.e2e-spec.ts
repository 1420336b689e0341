/**
 * The stand-in as hard as Stripe: API faults on demand, webhooks concurrently and out of
 * order, idempotency keys that expire after 24 hours, refunds that are pending first.
 * Through the real `stripe` SDK and a real HTTP receiver.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import {
  connectStripeStandIn,
  startStripeStandIn,
  StripeStandIn,
} from '../support/stripe-stand-in';

interface Receiver {
  url: string;
  /** Event ids in the order their deliveries arrived. */
  arrived: string[];
  /** Most deliveries the receiver held at once since the last clear. */
  maxConcurrent: () => number;
  clear(): void;
  close(): Promise<void>;
}

/** Answers every delivery 200 after `holdMs`, counting how many it holds at once. */
async function startReceiver(holdMs: number): Promise<Receiver> {
  const arrived: string[] = [];
  let open = 0;
  let max = 0;
  const server: Server = createServer((request, response) => {
    open += 1;
    max = Math.max(max, open);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      arrived.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as Stripe.Event).id);
      setTimeout(() => {
        open -= 1;
        response.writeHead(200).end();
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrived,
    maxConcurrent: () => max,
    clear: () => {
      arrived.length = 0;
      max = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('Stripe stand-in: Stripe’s hard cases', () => {
  let standIn: StripeStandIn;
  let receiver: Receiver;

  const sdk = (options: Stripe.StripeConfig = {}) =>
    new Stripe('sk_test_hard', {
      host: '127.0.0.1',
      port: standIn.port,
      protocol: 'http',
      maxNetworkRetries: 0,
      ...options,
    });

  beforeAll(async () => {
    receiver = await startReceiver(20);
    standIn = await startStripeStandIn({
      webhooks: [{ url: receiver.url, secret: 'whsec_hard' }],
      deliveryRetryDelaysMs: [30],
    });
  });

  afterAll(async () => {
    await standIn.close();
    await receiver.close();
  });

  beforeEach(async () => {
    await standIn.settleDeliveries();
    await standIn.reset();
    receiver.clear();
  });

  describe('API faults on demand', () => {
    it('answers the next matching calls with a 5xx in Stripe’s shape, then works again', async () => {
      const stripe = sdk();
      await standIn.injectFaults({
        kind: 'server_error',
        method: 'POST',
        path: '/v1/payment_intents',
        times: 2,
        status: 503,
      });
      // A call to another path is not affected.
      await stripe.customers.create({ name: 'untouched' });
      for (let i = 0; i < 2; i++) {
        const failed = await stripe.paymentIntents
          .create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'k-5xx' })
          .catch((e: unknown) => e);
        expect(failed).toBeInstanceOf(Stripe.errors.StripeAPIError);
        expect(failed).toMatchObject({ statusCode: 503, type: 'StripeAPIError' });
        expect((failed as Stripe.errors.StripeError).raw).toMatchObject({ type: 'api_error' });
      }
      // Nothing was done: the same key now makes the PaymentIntent, once.
      const made = await stripe.paymentIntents.create(
        { amount: 1000, currency: 'usd' },
        { idempotencyKey: 'k-5xx' },
      );
      expect(made.lastResponse.headers['idempotent-replayed']).toBeUndefined();
      expect((await stripe.paymentIntents.list()).data.map((pi) => pi.id)).toEqual([made.id]);
    });

    it('lets the SDK’s own retries absorb a 5xx, as they do against Stripe', async () => {
      const stripe = sdk({ maxNetworkRetries: 2 });
      await standIn.injectFaults({ kind: 'server_error', path: '/v1/payment_intents', times: 2 });
      const made = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
      expect((await stripe.paymentIntents.list()).data.map((pi) => pi.id)).toEqual([made.id]);
    });

    it('answers 429 rate_limit and 409 idempotency_key_in_use with Stripe’s bodies', async () => {
      const stripe = sdk();
      await standIn.injectFaults({ kind: 'rate_limit', method: 'GET', path: '/v1/customers' });
      const limited = await stripe.customers.list().catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(limited).toMatchObject({ statusCode: 429, code: 'rate_limit' });

      await standIn.injectFaults({ kind: 'idempotency_key_in_use', times: 1 });
      // Only a request with a key meets it.
      await stripe.customers.list();
      const inUse = await stripe.customers
        .create({ name: 'x' }, { idempotencyKey: 'k-busy' })
        .catch((e: unknown) => e);
      // The SDK makes a StripeAPIError of any 409.
      expect(inUse).toBeInstanceOf(Stripe.errors.StripeAPIError);
      expect(inUse).toMatchObject({ statusCode: 409, code: 'idempotency_key_in_use' });
      expect((inUse as Stripe.errors.StripeError).raw).toMatchObject({ type: 'idempotency_error' });
      expect((inUse as Stripe.errors.StripeError).message).toContain('k-busy');
      const made = await stripe.customers.create({ name: 'x' }, { idempotencyKey: 'k-busy' });
      expect((await stripe.customers.list()).data.map((c) => c.id)).toEqual([made.id]);
    });

    it('leaves a call unanswered until the client times out, without doing it', async () => {
      const stripe = sdk({ timeout: 300 });
      await standIn.injectFaults({ kind: 'timeout', method: 'POST', path: '/v1/customers' });
      const started = Date.now();
      const hung = await stripe.customers.create({ name: 'slow' }).catch((e: unknown) => e);
      expect(hung).toBeInstanceOf(Stripe.errors.StripeConnectionError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect((await stripe.customers.list()).data).toEqual([]);
      await standIn.injectFaults({ kind: 'timeout', times: 3 });
      expect(await standIn.clearFaults()).toEqual({ cleared: 3 });
      expect((await stripe.customers.create({ name: 'fine' })).name).toBe('fine');
    });

    it('is driven over HTTP too, and reset forgets faults', async () => {
      const control = connectStripeStandIn(standIn.url);
      expect(await control.injectFaults({ kind: 'server_error', times: 4 })).toEqual({
        pending: 4,
      });
      await control.reset();
      expect((await sdk().customers.create({ name: 'after reset' })).object).toBe('customer');
    });
  });

  describe('webhooks concurrently and out of order', () => {
    /** Twelve events made while paused, then let go: their arrival order, as indices. */
    async function arrivalOrder(mode: Parameters<StripeStandIn['configure']>[0]) {
      await standIn.reset();
      receiver.clear();
      await standIn.configure(mode);
      await standIn.pauseDeliveries();
      const stripe = sdk();
      for (let i = 0; i < 12; i++) await stripe.customers.create({ name: `c${i}` });
      const generated = (await standIn.events()).map((record) => record.id);
      await standIn.resumeDeliveries();
      await standIn.settleDeliveries();
      expect([...receiver.arrived].sort()).toEqual([...generated].sort());
      return receiver.arrived.map((id) => generated.indexOf(id));
    }
    const inOrder = Array.from({ length: 12 }, (_, i) => i);

    it('delivers several events to one endpoint at once, in a random order', async () => {
      const config = { delivery_concurrency: 4, delivery_shuffle: true, delivery_seed: 7 };
      expect(await standIn.configure(config)).toMatchObject(config);
      expect(await arrivalOrder(config)).not.toEqual(inOrder);
      expect(receiver.maxConcurrent()).toBeGreaterThan(1);
      expect(receiver.maxConcurrent()).toBeLessThanOrEqual(4);
    });

    it('replays a shuffled order from its seed', async () => {
      const mode = { delivery_concurrency: 1, delivery_shuffle: true, delivery_seed: 11 };
      const first = await arrivalOrder(mode);
      expect(first).not.toEqual(inOrder);
      expect(await arrivalOrder(mode)).toEqual(first);
      expect(receiver.maxConcurrent()).toBe(1);
    });

    it('can deliver a refund’s events before the payment’s success events', async () => {
      const stripe = sdk();
      await standIn.configure({ delivery_concurrency: 8, delivery_jitter_ms: 200 });
      let refundFirst = false;
      for (let round = 0; round < 10 && !refundFirst; round++) {
        receiver.clear();
        const intent = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd' });
        const paid = await standIn.succeedPaymentIntent(intent.id);
        await standIn.refundCharge(paid.latest_charge as string);
        await standIn.settleDeliveries();
        const records = await standIn.events();
        const position = (type: string) =>
          receiver.arrived.indexOf(
            records.find(
              (r) => r.type === type && JSON.stringify(r.event.data.object).includes(intent.id),
            )?.id ?? '',
          );
        refundFirst = position('charge.refunded') < position('payment_intent.succeeded');
      }
      expect(refundFirst).toBe(true);
    });

    it('keeps the default: one at a time, oldest first', async () => {
      const stripe = sdk();
      for (let i = 0; i < 5; i++) await stripe.customers.create({ name: `c${i}` });
      await standIn.settleDeliveries();
      expect(receiver.arrived).toEqual((await standIn.events()).map((record) => record.id));
      expect(receiver.maxConcurrent()).toBe(1);
    });
  });

  describe('idempotency keys expire after 24 hours of the stand-in’s clock', () => {
    it('replays within the day and makes a new object after it', async () => {
      const stripe = sdk();
      const params = { amount: 1200, currency: 'usd' };
      const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'day-key' });
      await standIn.advanceClock(24 * 3600 - 60);
      const replay = await stripe.paymentIntents.create(params, { idempotencyKey: 'day-key' });
      expect(replay.id).toBe(first.id);
      expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');

      await standIn.advanceClock(60);
      const next = await stripe.paymentIntents.create(params, { idempotencyKey: 'day-key' });
      expect(next.id).not.toBe(first.id);
      expect(next.lastResponse.headers['idempotent-replayed']).toBeUndefined();
      // The key is new again: its 24 hours start now, and other parameters conflict.
      const conflict = stripe.paymentIntents.create(
        { ...params, amount: 1300 },
        { idempotencyKey: 'day-key' },
      );
      await expect(conflict).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      expect((await stripe.paymentIntents.list()).data).toHaveLength(2);
    });
  });

  describe('refunds pending first', () => {
    it('creates pending refunds that settle later with charge.refund.updated', async () => {
      const stripe = sdk();
      await standIn.configure({ refunds_pending: true });
      const intent = await stripe.paymentIntents.create({ amount: 4000, currency: 'usd' });
      const paid = await standIn.succeedPaymentIntent(intent.id);
      const charge = paid.latest_charge as string;
      const refund = await stripe.refunds.create({ charge, amount: 1500 });
      expect(refund.status).toBe('pending');
      expect(refund.balance_transaction).toEqual(expect.stringMatching(/^txn_/));
      expect((await stripe.charges.retrieve(charge)).amount_refunded).toBe(1500);

      const settledRefund = await standIn.succeedRefund(refund.id);
      expect(settledRefund.status).toBe('succeeded');
      const types = (await standIn.events()).map((record) => record.type);
      expect(types.slice(-4)).toEqual([
        'refund.created',
        'charge.refunded',
        'charge.refund.updated',
        'refund.updated',
      ]);
      const [updated] = (await stripe.events.list({ type: 'refund.updated' })).data;
      expect(updated.data.previous_attributes).toEqual({ status: 'pending' });
      await expect(standIn.succeedRefund(refund.id)).rejects.toMatchObject({
        message: expect.stringContaining('cannot succeed'),
      });

      // A pending refund can fail instead.
      const second = await stripe.refunds.create({ charge, amount: 500 });
      expect((await standIn.failRefund(second.id)).status).toBe('failed');
      expect((await stripe.charges.retrieve(charge)).amount_refunded).toBe(1500);

      // The default is back after reset.
      await standIn.reset();
      const other = await stripe.paymentIntents.create({ amount: 4000, currency: 'usd' });
      const otherPaid = await standIn.succeedPaymentIntent(other.id);
      const immediate = await stripe.refunds.create({ charge: otherPaid.latest_charge as string });
      expect(immediate.status).toBe('succeeded');
    });
  });
});
