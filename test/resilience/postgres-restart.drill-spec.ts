import { Pool } from 'pg';
import { runPendingMigrations } from '../../src/common/database/migrations';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate } from '../support/flows';
import { OwnPostgres } from '../support/postgres-server';
import { drillReport } from '../support/processes';

/**
 * Postgres restarted while webhooks arrive: they are answered 5xx while it is down (never 2xx
 * for an event not stored), Stripe's retries store them once it is back, the API recovers
 * without a restart, and everything is processed once.
 */
describe('drill: Postgres restarted under load', () => {
  let pg: OwnPostgres;
  let app: TestApp;
  let db: Pool;

  beforeAll(async () => {
    pg = await OwnPostgres.start();
    await runPendingMigrations(pg.url);
    db = new Pool({ connectionString: pg.url, max: 2 });
    db.on('error', () => undefined);
    app = await startTestApp({
      worker: true,
      env: { DATABASE_URL: pg.url, SWEEP_INTERVAL_MS: '500' },
      // Stripe retries for days; here, for long enough to outlast the outage.
      deliveryRetryDelaysMs: [500, 1000, 2000, 3000, 4000, 5000, 5000, 5000],
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.end();
    pg?.destroy();
  });

  const count = async (sql: string) => (await db.query(sql)).rows[0].n as number;

  it('answers 5xx while it is down, then stores and processes everything once', async () => {
    const { slug } = await createCampaign(app, await app.createKey('admin'));
    const gifts = [];
    for (let i = 0; i < 30; i++)
      gifts.push(await donate(app, slug, { amount: 700 + i, email: `pg${i}@example.org` }));

    pg.stop();
    const down = Date.now();
    for (const gift of gifts) await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
    await new Promise((r) => setTimeout(r, 3000));
    const up = Date.now();
    pg.restart();

    await app.standIn.settleDeliveries({ timeout_ms: 60_000 });
    await eventually(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM stripe_events WHERE status = 'pending'`)) ===
        0,
      60_000,
      200,
    );
    await eventually(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM receipts WHERE send_status = 'sent'`)) ===
        gifts.length,
      60_000,
      200,
    );

    const attempts = (await app.standIn.events()).flatMap((e) =>
      e.deliveries.flatMap((d) => d.attempts),
    );
    const whileDown = attempts.filter((a) => {
      const at = new Date(a.at).getTime();
      return at > down + 50 && at < up - 50;
    });
    const stored = await count(`SELECT count(*)::int AS n FROM stripe_events`);
    const processed = await count(
      `SELECT count(*)::int AS n FROM stripe_events WHERE status IN ('processed', 'ignored')`,
    );
    const charges = await count(
      `SELECT count(*)::int AS n FROM ledger_entries WHERE kind = 'charge'`,
    );
    const mails = app.mail.messages().filter((m) => /^Your receipt /.test(m.subject));
    const distinct = new Set(mails.map((m) => m.messageId)).size;
    drillReport({
      drill: 'Postgres restarted under load',
      eventsSent: (await app.standIn.events()).length,
      stored,
      processed,
      receipts: distinct,
      lost: gifts.length - charges + (gifts.length - distinct),
      doubled: Math.max(0, charges - gifts.length) + (mails.length - distinct),
    });

    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.filter((a) => a.http_status !== null && a.http_status < 300)).toEqual([]);
    expect(whileDown.every((a) => a.http_status === null || a.http_status >= 500)).toBe(true);
    expect(stored).toBe((await app.standIn.events()).length);
    expect(processed).toBe(stored);
    expect(charges).toBe(gifts.length);
    const raised = (await app.http.get(`/v1/campaigns/${slug}`).expect(200)).body.progress.raised;
    expect(raised).toBe(gifts.reduce((sum, g) => sum + g.amount, 0));
    expect(distinct).toBe(gifts.length);
    expect(mails).toHaveLength(gifts.length);
    await app.http.get('/health/ready').expect(200);
  }, 180_000);
});
