import { StripeEventsService } from '../../src/stripe/events/stripe-events.service';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, progress, settled } from '../support/flows';
import { OwnRedis } from '../support/redis-server';
import { withAdmin } from '../support/test-databases';

describe('pipeline when Redis is down', () => {
  let redis: OwnRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    app = await startTestApp({
      worker: true,
      env: { REDIS_URL: redis.url, SWEEP_INTERVAL_MS: '300' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('acknowledges every webhook while Redis is stopped and processes them all once it is back', async () => {
    const { slug } = await createCampaign(app, await app.createKey('admin'));
    const gifts = [];
    for (const amount of [1000, 2000, 3000]) gifts.push(await donate(app, slug, { amount }));

    await redis.stop();
    try {
      await whileRedisIsDown(gifts);
    } finally {
      await redis.restart();
    }
    await settled(app, 30_000);
    expect(await progress(app, slug)).toMatchObject({ raised: 6000, donationCount: 3 });
    // Their receipts go out too, once each.
    await eventually(
      async () => app.mail.messages().filter((m) => /^Your receipt /.test(m.subject)).length === 3,
      20_000,
    );
  });

  async function whileRedisIsDown(gifts: { paymentIntentId: string }[]) {
    for (const gift of gifts) await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
    await app.standIn.settleDeliveries({ timeout_ms: 20_000 });
    const deliveries = (await app.standIn.events())
      .filter((e) => e.type === 'payment_intent.succeeded')
      .flatMap((e) => e.deliveries.flatMap((d) => d.attempts.map((a) => a.http_status)));
    expect(deliveries.length).toBeGreaterThanOrEqual(3);
    expect(deliveries.every((status) => status === 200)).toBe(true);
    const stored = await app.db.query(
      `SELECT count(*)::int AS n FROM stripe_events WHERE status = 'pending'`,
    );
    expect(stored.rows[0].n).toBeGreaterThanOrEqual(3);
  }
});

describe('pipeline when Postgres is unreachable, and lost deliveries', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
  });
  afterAll(() => app?.close());

  const signed = (id: string) => {
    const payload = JSON.stringify({
      id,
      object: 'event',
      type: 'customer.created',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: 'cus_x', object: 'customer' } },
    });
    return {
      payload,
      header: app.stripe.webhooks.generateTestHeaderString({ payload, secret: app.webhookSecret }),
    };
  };

  it('answers 5xx when the event cannot be stored, so Stripe retries; 200 once it can', async () => {
    const name = new URL(app.databaseUrl).pathname.slice(1);
    const { payload, header } = signed('evt_pg_down_1');
    await withAdmin(async (c) => {
      await c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [
        name,
      ]);
    });
    try {
      const down = await app.http
        .post('/v1/stripe/webhook')
        .set('Stripe-Signature', header)
        .set('Content-Type', 'application/json')
        .send(payload);
      expect(down.status).toBeGreaterThanOrEqual(500);
      expect(down.body.message).toBe('The event could not be stored: Stripe will retry');
    } finally {
      await withAdmin((c) => c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`));
    }
    await eventually(async () => {
      const res = await app.http
        .post('/v1/stripe/webhook')
        .set('Stripe-Signature', header)
        .set('Content-Type', 'application/json')
        .send(payload);
      return res.status === 200;
    });
  });

  it('recovers an event Stripe never delivered from its event list (stripe:sync)', async () => {
    const { slug } = await createCampaign(app, await app.createKey('admin'));
    const gift = await donate(app, slug, { amount: 4200 });
    await app.standIn.pauseDeliveries();
    await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
    const lost = (await app.standIn.events()).find(
      (e) =>
        e.type === 'payment_intent.succeeded' && JSON.stringify(e).includes(gift.paymentIntentId),
    )!;
    await app.standIn.dropEvent(lost.id);
    await app.standIn.resumeDeliveries();
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(0);

    const result = await app.api
      .get(StripeEventsService)
      .syncSince(new Date(Date.now() - 3600_000));
    expect(result.stored).toBeGreaterThanOrEqual(1);
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(4200);
    const again = await app.api.get(StripeEventsService).syncSince(new Date(Date.now() - 3600_000));
    expect(again.stored).toBe(0);
  });
});
