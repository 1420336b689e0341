import { eventually, freePort, startTestApp, TestApp } from '../support/harness';
import { createCampaign, settled } from '../support/flows';
import {
  drillReport,
  RunningProcess,
  startApiProcess,
  startWorkerProcess,
} from '../support/processes';

/**
 * Two API and two worker processes against one Postgres and Redis, donations spread over
 * both APIs, webhooks to both: totals exact, receipt numbers unique and gap-free.
 */
describe('drill: two APIs and two workers on one Postgres and Redis', () => {
  let app: TestApp;
  const processes: RunningProcess[] = [];

  beforeAll(async () => {
    // The in-process API is the first of the two; the second and both workers are processes.
    app = await startTestApp({ worker: false, env: { SWEEP_INTERVAL_MS: '1000' } });
  });
  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await app?.close();
  });

  it('counts every gift once and numbers every receipt once, without gaps', async () => {
    const secondPort = await freePort();
    processes.push(await startApiProcess(secondPort));
    processes.push(await startWorkerProcess());
    processes.push(await startWorkerProcess());
    // Stripe delivers every event to both APIs, as it would to two endpoints behind a balancer.
    await app.standIn.registerWebhookEndpoint({
      url: `http://127.0.0.1:${secondPort}/v1/stripe/webhook`,
      secret: app.webhookSecret,
    });

    const { slug } = await createCampaign(app, await app.createKey('admin'));
    const apis = [app.url, `http://127.0.0.1:${secondPort}`];
    const gifts = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const res = await fetch(`${apis[i % 2]}/v1/campaigns/${slug}/donations`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            amount: 1000 + i,
            currency: 'usd',
            email: `multi${i % 7}@example.org`,
          }),
        });
        if (res.status !== 201) throw new Error(`donation: ${res.status} ${await res.text()}`);
        return (await res.json()) as { paymentIntentId: string; amount: number };
      }),
    );
    await Promise.all(gifts.map((g) => app.standIn.succeedPaymentIntent(g.paymentIntentId)));
    await settled(app, 60_000);
    await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT count(*)::int AS n FROM receipts WHERE send_status = 'sent'`,
      );
      return rows[0].n === 60;
    }, 60_000);

    const expected = gifts.reduce((sum, g) => sum + g.amount, 0);
    const progress = (await app.http.get(`/v1/campaigns/${slug}`).expect(200)).body.progress;
    const charges = (
      await app.db.query(`SELECT count(*)::int AS n FROM ledger_entries WHERE kind = 'charge'`)
    ).rows[0].n;
    const events = (
      await app.db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE status IN ('processed', 'ignored'))::int AS p FROM stripe_events`,
      )
    ).rows[0];
    const numbers = (
      await app.db.query(`SELECT split_part(number, '-', 2)::int AS seq FROM receipts ORDER BY 1`)
    ).rows.map((r) => r.seq);
    const mails = app.mail.messages().filter((m) => /^Your receipt /.test(m.subject));
    const distinct = new Set(mails.map((m) => m.messageId));
    drillReport({
      drill: 'two APIs + two workers',
      eventsSent: (await app.standIn.events()).length,
      stored: events.n,
      processed: events.p,
      receipts: numbers.length,
      lost: 60 - charges + (60 - distinct.size),
      doubled: Math.max(0, charges - 60) + (mails.length - distinct.size),
    });

    expect(progress).toMatchObject({ raised: expected, donationCount: 60, donorCount: 7 });
    expect(charges).toBe(60);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(distinct.size).toBe(60);
    expect(mails).toHaveLength(60);
  }, 240_000);
});
