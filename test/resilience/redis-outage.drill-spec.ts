import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, progress, settled } from '../support/flows';
import { drillReport } from '../support/processes';
import { OwnRedis } from '../support/redis-server';

/** Redis stopped for 10 s while payments keep succeeding and webhooks keep arriving. */
describe('drill: Redis down for 10 s under webhook load', () => {
  let redis: OwnRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    app = await startTestApp({
      worker: true,
      env: { REDIS_URL: redis.url, SWEEP_INTERVAL_MS: '500' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('answers every webhook 2xx and processes everything once Redis is back', async () => {
    const { slug } = await createCampaign(app, await app.createKey('admin'));
    const gifts = [];
    for (let i = 0; i < 60; i++)
      gifts.push(await donate(app, slug, { amount: 500 + i, email: `redis${i}@example.org` }));

    await redis.stop();
    const outageEnds = Date.now() + 10_000;
    try {
      // Payments succeed all through the outage, a few every few hundred milliseconds.
      for (let i = 0; i < gifts.length; i++) {
        await app.standIn.succeedPaymentIntent(gifts[i].paymentIntentId);
        await new Promise((r) => setTimeout(r, 140));
      }
      await app.standIn.settleDeliveries({ timeout_ms: 30_000 });
      const remaining = outageEnds - Date.now();
      if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    } finally {
      await redis.restart();
    }
    const attempts = (await app.standIn.events()).flatMap((e) =>
      e.deliveries.flatMap((d) => d.attempts),
    );
    const non2xx = attempts.filter((a) => a.http_status === null || a.http_status >= 300);

    await settled(app, 60_000);
    await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT count(*)::int AS n FROM receipts WHERE send_status = 'sent'`,
      );
      return rows[0].n === gifts.length;
    }, 60_000);
    const events = (
      await app.db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE status IN ('processed', 'ignored'))::int AS p FROM stripe_events`,
      )
    ).rows[0];
    const mails = app.mail.messages().filter((m) => /^Your receipt /.test(m.subject));
    const distinct = new Set(mails.map((m) => m.messageId)).size;
    const charges = (
      await app.db.query(`SELECT count(*)::int AS n FROM ledger_entries WHERE kind = 'charge'`)
    ).rows[0].n;
    drillReport({
      drill: 'Redis down 10 s under webhook load',
      eventsSent: (await app.standIn.events()).length,
      stored: events.n,
      processed: events.p,
      receipts: distinct,
      lost: gifts.length - charges + (gifts.length - distinct),
      doubled: mails.length - distinct + Math.max(0, charges - gifts.length),
    });

    expect(non2xx).toEqual([]);
    expect(events.p).toBe(events.n);
    expect(await progress(app, slug)).toMatchObject({
      raised: gifts.reduce((sum, g) => sum + g.amount, 0),
      donationCount: gifts.length,
    });
    expect(distinct).toBe(gifts.length);
    expect(mails).toHaveLength(gifts.length);
  }, 180_000);
});
