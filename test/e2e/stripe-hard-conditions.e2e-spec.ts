import { randomBytes } from 'node:crypto';
import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, ledger, paidDonation, progress, settled } from '../support/flows';

/**
 * The backend against a Stripe that misbehaves as Stripe does: API calls that fail with 5xx,
 * 429, 409 or no answer at all; webhooks that arrive concurrently and out of order; refunds
 * that are pending before they succeed; idempotency keys Stripe forgets after a day.
 */
describe('the pipeline under Stripe’s hard conditions', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;
  let slug: string;

  // The SDK retries twice itself (as in production): three faults reach our code.
  const SDK_ATTEMPTS = 3;

  beforeAll(async () => {
    // A short SDK timeout, so that an unanswered call costs a second, not twenty.
    app = await startTestApp({ worker: true, env: { STRIPE_TIMEOUT_MS: '1000' } });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    ({ slug } = await createCampaign(app, adminKey));
  });
  afterAll(() => app?.close());

  afterEach(async () => {
    await app.standIn.clearFaults();
    await app.standIn.configure({
      delivery_concurrency: 1,
      delivery_shuffle: false,
      delivery_jitter_ms: 0,
      refunds_pending: false,
    });
  });

  /** Every fault injected was met (so the test exercised what it names). */
  const allFaultsMet = async () => expect(await app.standIn.clearFaults()).toEqual({ cleared: 0 });
  const key = () => `key-${randomBytes(6).toString('hex')}`;
  const email = () => `donor-${randomBytes(4).toString('hex')}@example.org`;
  const donation = (body: Record<string, unknown>, idem: string, to = slug) =>
    app.http
      .post(`/v1/campaigns/${to}/donations`)
      .set('Idempotency-Key', idem)
      .send({ amount: 2500, currency: 'usd', ...body });
  const intentsOf = async (donationId: string) =>
    (
      await app.stripe.paymentIntents.search({
        query: `metadata['donation_id']:'${donationId}'`,
        limit: 100,
      })
    ).data;
  const refund = (donationId: string, body: Record<string, unknown>, idem = key()) =>
    app.http
      .post(`/v1/admin/donations/${donationId}/refunds`)
      .set('Authorization', `Bearer ${financeKey}`)
      .set('Idempotency-Key', idem)
      .send({ reason: 'asked', ...body });
  const chargeEntries = async (paymentIntentId: string) =>
    (
      await app.db.query(
        `SELECT count(*)::int AS n FROM ledger_entries WHERE kind = 'charge' AND stripe_payment_intent_id = $1`,
        [paymentIntentId],
      )
    ).rows[0].n as number;

  describe('API faults', () => {
    it.each([
      ['a 5xx', 'server_error'],
      ['a 429', 'rate_limit'],
      ['no answer', 'timeout'],
    ] as const)(
      'makes one PaymentIntent for a donation retried after %s',
      async (_name, kind) => {
        const idem = key();
        const body = { email: email() };
        await app.standIn.injectFaults({
          kind,
          method: 'POST',
          path: '/v1/payment_intents',
          // A 429 is not retried by the SDK (Stripe-Should-Retry: false): one reaches us.
          times: kind === 'rate_limit' ? 1 : SDK_ATTEMPTS,
        });
        const failed = await donation(body, idem);
        expect(failed.status).toBeGreaterThanOrEqual(500);
        await allFaultsMet();
        const made = await donation(body, idem).expect(201);
        expect(await intentsOf(made.body.donationId)).toHaveLength(1);
        expect(made.body.paymentIntentId).toMatch(/^pi_/);
      },
      30_000,
    );

    it('creates the PaymentIntent through an idempotency_key_in_use 409 (the SDK retries it)', async () => {
      await app.standIn.injectFaults({
        kind: 'idempotency_key_in_use',
        method: 'POST',
        path: '/v1/payment_intents',
      });
      const made = await donation({ email: email() }, key()).expect(201);
      await allFaultsMet();
      expect(await intentsOf(made.body.donationId)).toHaveLength(1);
    });

    it('records a payment once when its webhook job is retried after a 5xx on retrieve', async () => {
      const d = await donate(app, slug, { amount: 3100, email: email() });
      await app.standIn.injectFaults({
        kind: 'server_error',
        method: 'GET',
        path: `/v1/payment_intents/${d.paymentIntentId}`,
        times: SDK_ATTEMPTS,
      });
      await app.standIn.succeedPaymentIntent(d.paymentIntentId);
      await settled(app, 30_000);
      await allFaultsMet();
      expect(await chargeEntries(d.paymentIntentId)).toBe(1);
      const { rows } = await app.db.query(`SELECT status FROM donations WHERE id = $1`, [
        d.donationId,
      ]);
      expect(rows).toEqual([{ status: 'succeeded' }]);
    }, 40_000);

    it('refunds once when the refund call first meets a 5xx, then is retried', async () => {
      const paid = await paidDonation(app, slug, { amount: 8000, email: email() });
      const idem = key();
      await app.standIn.injectFaults({
        kind: 'server_error',
        method: 'POST',
        path: '/v1/refunds',
        times: SDK_ATTEMPTS,
      });
      const failed = await refund(paid.donationId, { amount: 3000 }, idem);
      expect(failed.status).toBeGreaterThanOrEqual(500);
      await allFaultsMet();
      await refund(paid.donationId, { amount: 3000 }, idem).expect(201);
      await settled(app);
      const refunds = await app.stripe.refunds.list({ payment_intent: paid.paymentIntentId });
      expect(refunds.data.map((r) => r.amount)).toEqual([3000]);
      const entries = await ledger(app, paid.donationId);
      expect(entries.filter((e) => e.kind === 'refund').map((e) => e.amount)).toEqual([-3000]);
    });
  });

  describe('webhooks concurrently and out of order', () => {
    it('keeps each payment and refund once when a refund arrives before the payment’s success', async () => {
      const { slug: raced } = await createCampaign(app, adminKey);
      await app.standIn.configure({ delivery_concurrency: 8, delivery_jitter_ms: 150 });
      const amounts: number[] = [];
      const intents: string[] = [];
      /** When we received the event of this type about this PaymentIntent. */
      const receivedAt = async (pi: string, type: string) => {
        const record = (await app.standIn.events()).find(
          (r) => r.type === type && JSON.stringify(r.event.data.object).includes(pi),
        );
        const { rows } = await app.db.query(`SELECT received_at FROM stripe_events WHERE id = $1`, [
          record?.id,
        ]);
        return (rows[0].received_at as Date).getTime();
      };
      // Random delivery: go on until at least one refund overtook its payment.
      let overtaken = 0;
      for (let round = 0; round < 8 && overtaken === 0; round++) {
        for (const amount of [4000, 5200, 6400]) {
          const d = await donate(app, raced, { amount, email: email() });
          amounts.push(amount);
          intents.push(d.paymentIntentId);
          const paid = await app.standIn.succeedPaymentIntent(d.paymentIntentId);
          await app.standIn.refundCharge(paid.latest_charge as string, { amount: amount / 4 });
        }
        await settled(app);
        for (const pi of intents.slice(-3)) {
          const refunded = await receivedAt(pi, 'charge.refunded');
          if (refunded < (await receivedAt(pi, 'payment_intent.succeeded'))) overtaken += 1;
        }
      }
      expect(overtaken).toBeGreaterThan(0);
      const raised = await progress(app, raced);
      expect(raised.raised).toBe(amounts.reduce((sum, a) => sum + a - a / 4, 0));
      expect(raised.donationCount).toBe(amounts.length);
      for (const pi of intents) expect(await chargeEntries(pi)).toBe(1);
      const { rows } = await app.db.query(
        `SELECT count(*)::int AS n FROM ledger_entries WHERE kind = 'refund' AND stripe_payment_intent_id = ANY($1)`,
        [intents],
      );
      expect(rows[0].n).toBe(intents.length);
    }, 60_000);
  });

  describe('refunds pending first', () => {
    it('counts a pending-then-succeeded refund once, and gives back a pending one that fails', async () => {
      const { slug: pending } = await createCampaign(app, adminKey);
      await app.standIn.configure({ refunds_pending: true });
      const paid = await paidDonation(app, pending, { amount: 10_000, email: email() });

      const made = await refund(paid.donationId, { amount: 2500 }).expect(201);
      const [atStripe] = (await app.stripe.refunds.list({ payment_intent: paid.paymentIntentId }))
        .data;
      expect(atStripe).toMatchObject({ status: 'pending', amount: 2500 });
      expect(made.body).toMatchObject({ stripeRefundId: atStripe.id, amount: 2500 });
      await settled(app);
      expect((await progress(app, pending)).raised).toBe(7500);

      await app.standIn.succeedRefund(atStripe.id);
      await settled(app);
      expect((await progress(app, pending)).raised).toBe(7500);
      const refunds = (await ledger(app, paid.donationId)).filter((e) => e.kind === 'refund');
      expect(refunds.map((e) => [e.amount, e.stripe_refund_id])).toEqual([[-2500, atStripe.id]]);

      // Another refund, made at Stripe, pending, then failing: the money comes back.
      const other = await app.standIn.refundCharge(paid.chargeId, { amount: 1000 });
      expect(other.status).toBe('pending');
      await settled(app);
      expect((await progress(app, pending)).raised).toBe(6500);
      await app.standIn.failRefund(other.id);
      await settled(app);
      expect((await progress(app, pending)).raised).toBe(7500);
    });
  });

  describe('idempotency keys that Stripe forgets after a day', () => {
    it('still makes one PaymentIntent for a donation retried after Stripe’s clock passed 24 hours', async () => {
      const idem = key();
      const body = { email: email() };
      const first = await donation(body, idem).expect(201);
      await app.db.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
        [idem],
      );
      await app.standIn.advanceClock(25 * 3600);
      const late = await donation(body, idem).expect(201);
      expect(late.body.paymentIntentId).toBe(first.body.paymentIntentId);
      expect(await intentsOf(first.body.donationId)).toHaveLength(1);
    });
  });
});
