import { INestApplicationContext } from '@nestjs/common';
import { createWorker } from '../../src/bootstrap';
import { eventually, startTestApp, TestApp } from '../support/harness';
import {
  createCampaign,
  donate,
  intentOfClientSecret,
  ledger,
  progress,
  settled,
} from '../support/flows';
import { HoldingProxy } from '../support/holding-proxy';

describe('two jobs for one payment overlap: the newer state wins, nothing waits on Stripe', () => {
  let app: TestApp;
  let adminKey: string;
  let proxy: HoldingProxy;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    app = await startTestApp();
    adminKey = await app.createKey('admin');
    proxy = new HoldingProxy(app.standIn.url);
    await proxy.start();
    // The worker reaches Stripe through the proxy; the API and the test straight.
    const direct = process.env.STRIPE_API_URL;
    process.env.STRIPE_API_URL = proxy.url;
    worker = await createWorker({ destination: { write: () => undefined } });
    process.env.STRIPE_API_URL = direct;
  });
  afterAll(async () => {
    await proxy?.close();
    await worker?.close();
    await app?.close();
  });

  const eventStatus = async (type: string, objectId: string) => {
    const { rows } = await app.db.query(
      `SELECT status FROM stripe_events WHERE type = $1 AND payload::text LIKE '%' || $2 || '%'`,
      [type, objectId],
    );
    return rows[0]?.status as string | undefined;
  };

  it('a refund applied while an older fetch of the payment is slow stays applied', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const gift = await donate(app, slug, { amount: 3000 });
    // The success event's job reads the PaymentIntent, and its answer (succeeded, no refund)
    // is held on the way back.
    proxy.holdNext(`/v1/payment_intents/${gift.paymentIntentId}`);
    await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
    await eventually(async () => proxy.heldOnce, 15_000);

    // Meanwhile the payment is refunded at Stripe: its event's job runs to the end, though the
    // first job's Stripe call has not come back (no lock or connection is held while it waits).
    await app.stripe.refunds.create({ payment_intent: gift.paymentIntentId });
    await eventually(
      async () => (await eventStatus('charge.refunded', gift.paymentIntentId)) === 'processed',
      15_000,
    );
    const refunded = async () =>
      (
        await app.db.query(`SELECT status, refunded_amount::int FROM donations WHERE id = $1`, [
          gift.donationId,
        ])
      ).rows[0];
    expect(await refunded()).toEqual({ status: 'succeeded', refunded_amount: 3000 });

    // The first job now gets its older answer: it must not undo the refund.
    proxy.release();
    await eventually(
      async () =>
        (await eventStatus('payment_intent.succeeded', gift.paymentIntentId)) === 'processed',
      15_000,
    );
    expect(await refunded()).toEqual({ status: 'succeeded', refunded_amount: 3000 });
    const entries = await ledger(app, gift.donationId);
    expect(entries.filter((e) => e.kind === 'charge').map((e) => e.amount)).toEqual([3000]);
    expect(entries.filter((e) => e.kind === 'refund').map((e) => e.amount)).toEqual([-3000]);
    expect((await progress(app, slug)).raised).toBe(0);
  });

  it('a resume applied while an older fetch of the subscription (paused) is slow stays applied', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', email: 'overlap@example.org' })
      .expect(201);
    const { pledgeId, subscriptionId } = created.body;
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);
    const pledge = async () =>
      (await app.db.query(`SELECT status, paused_until FROM pledges WHERE id = $1`, [pledgeId]))
        .rows[0];
    expect(await pledge()).toEqual({ status: 'active', paused_until: null });

    // Paused at Stripe: its event's job reads the subscription, and that answer is held.
    proxy.holdNext(`/v1/subscriptions/${subscriptionId}`);
    await app.stripe.subscriptions.update(subscriptionId, {
      pause_collection: { behavior: 'void' },
    });
    await eventually(async () => proxy.heldOnce, 15_000);

    // Resumed at Stripe meanwhile: its event's job runs to the end (no lock or transaction is
    // held for the subscription while the first job's call is out).
    await app.stripe.subscriptions.update(subscriptionId, { pause_collection: '' });
    const resumed = (await app.standIn.events())
      .filter((e) => e.type === 'customer.subscription.updated')
      .at(-1)!;
    const statusOf = async (eventId: string) =>
      (await app.db.query(`SELECT status FROM stripe_events WHERE id = $1`, [eventId])).rows[0]
        ?.status;
    await eventually(async () => (await statusOf(resumed.id)) === 'processed', 15_000);
    expect(await pledge()).toEqual({ status: 'active', paused_until: null });

    // The first job now gets its older answer (paused): it must not pause the pledge again.
    proxy.release();
    await settled(app);
    expect(await pledge()).toEqual({ status: 'active', paused_until: null });
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM stripe_events WHERE status <> 'processed' AND status <> 'ignored'`,
    );
    expect(rows[0].n).toBe(0);
  });
});
