import { eventually, freePort, startTestApp, TestApp } from '../support/harness';
import { createCampaign, settled } from '../support/flows';
import {
  drillReport,
  RunningProcess,
  startApiProcess,
  startWorkerProcess,
} from '../support/processes';

/** SIGTERM to the API and to the worker while they are busy: work in flight finishes, exit 0. */
describe('drill: SIGTERM to API and worker under load', () => {
  let app: TestApp;
  const processes: RunningProcess[] = [];

  beforeAll(async () => {
    app = await startTestApp({
      worker: false,
      env: { SWEEP_INTERVAL_MS: '1000', WORKER_LOCK_DURATION_MS: '3000' },
    });
  });
  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await app?.close();
  });

  it('finishes in-flight requests and jobs, exits 0, and loses or doubles nothing', async () => {
    const { slug } = await createCampaign(app, await app.createKey('admin'));
    const port = await freePort();
    const api = await startApiProcess(port);
    processes.push(api);

    // A burst of donations, and SIGTERM while they are in flight.
    const burst = Array.from({ length: 40 }, (_, i) =>
      fetch(`http://127.0.0.1:${port}/v1/campaigns/${slug}/donations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ amount: 2000 + i, currency: 'usd', email: `term${i}@example.org` }),
      }).then(
        async (res) => ({
          status: res.status,
          body: (await res.json()) as { paymentIntentId?: string; amount?: number },
        }),
        (error: Error & { cause?: { code?: string } }) => ({
          status: 0,
          error: error.cause?.code ?? error.message,
        }),
      ),
    );
    await new Promise((r) => setTimeout(r, 30));
    api.child.kill('SIGTERM');
    const results = await Promise.all(burst);
    expect(await api.exited).toBe(0);
    const answered = results.filter((r) => r.status === 201) as {
      body: { paymentIntentId: string; amount: number };
    }[];
    // Every request either completed or was refused before it started: none cut off midway.
    for (const r of results)
      expect(r.status === 201 || ('error' in r && r.error === 'ECONNREFUSED')).toBe(true);
    expect(answered.length).toBeGreaterThan(0);
    const stored = (
      await app.db.query(
        `SELECT count(*)::int AS n FROM donations WHERE stripe_payment_intent_id IS NOT NULL`,
      )
    ).rows[0].n;
    expect(stored).toBe(answered.length);

    // The worker: SIGTERM while it processes the payments' events and sends receipts.
    let worker = await startWorkerProcess();
    await Promise.all(
      answered.map((r) => app.standIn.succeedPaymentIntent(r.body.paymentIntentId)),
    );
    await eventually(async () => app.mail.messages().length >= 3, 60_000, 20);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    worker = await startWorkerProcess();
    processes.push(worker);
    await settled(app, 60_000);
    await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT count(*)::int AS n FROM receipts WHERE send_status = 'sent'`,
      );
      return rows[0].n === answered.length;
    }, 60_000);

    const expected = answered.reduce((sum, r) => sum + r.body.amount, 0);
    const progress = (await app.http.get(`/v1/campaigns/${slug}`).expect(200)).body.progress;
    const mails = app.mail.messages().filter((m) => /^Your receipt /.test(m.subject));
    const distinct = new Set(mails.map((m) => m.messageId)).size;
    const events = (
      await app.db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE status IN ('processed', 'ignored'))::int AS p FROM stripe_events`,
      )
    ).rows[0];
    drillReport({
      drill: 'SIGTERM to API and worker under load',
      eventsSent: (await app.standIn.events()).length,
      stored: events.n,
      processed: events.p,
      receipts: distinct,
      lost: answered.length - distinct,
      doubled: mails.length - distinct,
    });
    expect(progress).toMatchObject({ raised: expected, donationCount: answered.length });
    expect(distinct).toBe(answered.length);
    expect(mails).toHaveLength(answered.length);
  }, 240_000);
});
