import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { createCampaign, donate, paidDonation, progress, settled } from '../support/flows';
import { createWorker } from '../../src/bootstrap';
import { eventually, freePort, startTestApp, TestApp } from '../support/harness';
import { metricValue } from '../support/metrics';

/** Never fires during a test run (1 January, midnight): the scheduler is there, its runs are on demand. */
const DORMANT = '0 0 1 1 *';

/** Issue #9: scheduled self-repair, run on demand as an operator would, and honest readiness. */
describe('operations: self-repair and readiness', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;
  let workerMetricsUrl: string;
  let redis: IORedis;

  beforeAll(async () => {
    const workerPort = await freePort();
    workerMetricsUrl = `http://127.0.0.1:${workerPort}/metrics`;
    app = await startTestApp({
      worker: true,
      env: {
        WORKER_METRICS_PORT: String(workerPort),
        ORGANIZATION_TIMEZONE: 'Europe/Paris',
        MAINTENANCE_STRIPE_SYNC_SCHEDULE: DORMANT,
        MAINTENANCE_RECONCILE_SCHEDULE: DORMANT,
        MAINTENANCE_RETRY_STUCK_SCHEDULE: '1h',
      },
    });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    redis = new IORedis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    redis?.disconnect();
    await app?.close();
  });

  /** Runs a task through the API, as an operator would, and waits for the run it recorded. */
  async function runNow(task: string) {
    const listRuns = async () =>
      (
        await app.http
          .get(`/v1/admin/maintenance?task=${task}&limit=200`)
          .set('Authorization', `Bearer ${financeKey}`)
          .expect(200)
      ).body.data as { id: string; status: string; findings: Record<string, unknown> }[];
    const earlier = new Set((await listRuns()).map((r) => r.id));
    const queued = await app.http
      .post(`/v1/admin/maintenance/${task}/run`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(202);
    expect(queued.body).toMatchObject({ task, status: 'queued', jobId: expect.any(String) });
    return eventually(async () => {
      const run = (await listRuns()).find((r) => !earlier.has(r.id));
      return run && run.status !== 'running' ? run : undefined;
    }, 20_000);
  }

  it('registers one job scheduler per task (and the delivery and campaign closing checks), in the organisation time zone', async () => {
    const queue = new Queue('maintenance', { connection: redis, prefix: app.queuePrefix });
    try {
      const schedulers = await eventually(async () => {
        const found = await queue.getJobSchedulers();
        return found.length === 5 ? found : null;
      });
      const byName = Object.fromEntries(schedulers.map((s) => [s.name, s]));
      expect(byName['maintenance.stripe-sync']).toMatchObject({
        pattern: DORMANT,
        tz: 'Europe/Paris',
      });
      expect(byName['maintenance.reconcile']).toMatchObject({ pattern: DORMANT });
      expect(byName['maintenance.retry-stuck']).toMatchObject({ every: 3_600_000 });
      // The check for actions whose deliveryCron came round (ACTION_DELIVERY_CHECK_SCHEDULE).
      expect(byName['action-delivery.schedule']).toMatchObject({ every: 60_000 });
      // The check for campaigns whose endsAt came (CAMPAIGN_CLOSE_CHECK_SCHEDULE).
      expect(byName['campaign-closing.check']).toMatchObject({ every: 60_000 });
    } finally {
      await queue.close();
    }
  });

  it('recovers a webhook Stripe never delivered with the hourly sync, run on demand', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const gift = await donate(app, slug, { amount: 4300 });
    await app.standIn.pauseDeliveries();
    await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
    // Lost in transit: every event of this payment stays in Stripe's list, none is delivered.
    const lost = (await app.standIn.events()).filter(
      (e) =>
        JSON.stringify(e.event).includes(gift.paymentIntentId) &&
        e.type !== 'payment_intent.created',
    );
    expect(lost.map((e) => e.type)).toContain('payment_intent.succeeded');
    for (const e of lost) await app.standIn.dropEvent(e.id);
    await app.standIn.resumeDeliveries();
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(0);

    const run = await runNow('stripe-sync');
    expect(run).toMatchObject({
      task: 'stripe-sync',
      trigger: 'manual',
      status: 'ok',
      error: null,
      finishedAt: expect.any(String),
    });
    expect(run.findings.eventsRecovered).toBe(lost.length);
    expect(run.findings.eventsSeen).toBeGreaterThanOrEqual(lost.length);

    await settled(app);
    expect((await progress(app, slug)).raised).toBe(4300);
    const { rows } = await app.db.query(`SELECT status FROM stripe_events WHERE id = ANY($1)`, [
      lost.map((e) => e.id),
    ]);
    expect(rows.map((r) => r.status)).toEqual(
      lost.map(() => expect.stringMatching(/processed|ignored/)),
    );
    const api = (await app.http.get('/metrics').expect(200)).text;
    expect(
      metricValue(api, 'pledge_stripe_events_stored_total', {
        source: 'event_list',
        result: 'new',
      }),
    ).toBe(0); // the sync ran in the worker: its own process counts it
    const worker = await (await fetch(workerMetricsUrl)).text();
    expect(
      metricValue(worker, 'pledge_stripe_events_stored_total', {
        source: 'event_list',
        result: 'new',
      }),
    ).toBe(lost.length);

    // Run again: nothing left to recover.
    const again = await runNow('stripe-sync');
    expect(again.findings.eventsRecovered).toBe(0);
  });

  it('finds a drift made on purpose in the totals with the nightly reconcile, as an alert', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await paidDonation(app, slug, { amount: 1500 });
    const clean = await runNow('reconcile');
    expect(clean).toMatchObject({ status: 'ok', findings: { driftRows: 0 } });

    const { rows } = await app.db.query(
      `UPDATE campaign_progress SET raised = raised + 700
        WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = $1) RETURNING campaign_id`,
      [slug],
    );
    const run = await runNow('reconcile');
    expect(run.status).toBe('alert');
    expect(run.findings.driftRows).toBe(1);
    expect(run.findings.drift).toEqual([
      {
        campaignId: rows[0].campaign_id,
        field: 'raised',
        currency: null,
        stored: 2200,
        fromLedger: 1500,
      },
    ]);
    expect(run.findings.repair).toBe('npm run cli -- reconcile --fix');
    expect(app.logs()).toMatch(/"level":40[^\n]*maintenance reconcile: alert/);

    // Visible where alerts are: the gauge (on every process) and the alert status in the listing.
    const api = (await app.http.get('/metrics').expect(200)).text;
    expect(metricValue(api, 'pledge_reconcile_drift')).toBe(1);
    expect(
      metricValue(api, 'pledge_maintenance_last_success_timestamp_seconds', { task: 'reconcile' }),
    ).toBeGreaterThan(Date.now() / 1000 - 60);
    const worker = await (await fetch(workerMetricsUrl)).text();
    expect(
      metricValue(worker, 'pledge_maintenance_runs_total', { task: 'reconcile', status: 'alert' }),
    ).toBe(1);

    // Repaired, the next run is clean again and the gauge falls back to 0.
    await app.db.query(
      `UPDATE campaign_progress SET raised = raised - 700 WHERE campaign_id = $1`,
      [rows[0].campaign_id],
    );
    expect((await runNow('reconcile')).status).toBe('ok');
    expect(
      metricValue((await app.http.get('/metrics').expect(200)).text, 'pledge_reconcile_drift'),
    ).toBe(0);
  });

  it('runs one task at a time across workers: a run that finds the lock taken is recorded skipped', async () => {
    const holder = new Client({ connectionString: app.databaseUrl });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtextextended('maintenance:reconcile', 0))`);
      const run = await runNow('reconcile');
      expect(run).toMatchObject({ status: 'skipped', finishedAt: expect.any(String) });
    } finally {
      await holder.end();
    }
    expect((await runNow('reconcile')).status).toBe('ok');
  });

  it('retries what is stuck; readiness reports the backlog and turns 503 while it is too old', async () => {
    const ready = await app.http.get('/health/ready').expect(200);
    expect(ready.body.details).toMatchObject({
      postgres: { status: 'up' },
      redis: { status: 'up' },
      events: { status: 'up', waiting: 0, oldestAgeSeconds: 0 },
      outbox: { status: 'up', oldestAgeSeconds: 0 },
    });

    const { slug } = await createCampaign(app, adminKey);
    const email = 'stuck.receipt@example.org';
    const paid = await paidDonation(app, slug, { amount: 2100, email });
    await app.mail.waitFor((m) => m.to.includes(email), 15_000);
    const event = (
      await app.db.query(
        `SELECT id FROM stripe_events WHERE type = 'payment_intent.succeeded' AND object_id = $1`,
        [paid.paymentIntentId],
      )
    ).rows[0];
    const receipt = await eventually(
      async () =>
        (
          await app.db.query(
            `SELECT id FROM receipts WHERE donation_id = $1 AND send_status = 'sent'`,
            [paid.donationId],
          )
        ).rows[0],
    );
    // Stuck: pending for an hour, while the jobs that had them are already done (as after a
    // crash between the work and its marker). The sweepers re-add the same job ids: no effect.
    const makeStuck = async () => {
      await app.db.query(
        `UPDATE stripe_events SET status = 'pending', pending_since = now() - interval '1 hour' WHERE id = $1`,
        [event.id],
      );
      await app.db.query(
        `UPDATE receipts SET send_status = 'pending', pending_since = now() - interval '1 hour' WHERE id = $1`,
        [receipt.id],
      );
    };
    await makeStuck();

    const notReady = await app.http.get('/health/ready').expect(503);
    expect(notReady.body.message).toBe('Not ready: events, outbox are down');
    expect(notReady.body.details.events).toMatchObject({
      status: 'down',
      waiting: 1,
      oldestAgeSeconds: expect.any(Number),
      message: 'a Stripe event has waited more than 900 s',
    });
    expect(notReady.body.details.events.oldestAgeSeconds).toBeGreaterThanOrEqual(3600);
    expect(notReady.body.details.outbox).toMatchObject({
      status: 'down',
      receipts: { waiting: 1 },
      emails: { waiting: 0, oldestAgeSeconds: 0 },
    });
    expect(notReady.body.details.postgres).toEqual({ status: 'up' });

    const sentBefore = app.mail.messages().filter((m) => m.to.includes(email)).length;
    const run = await runNow('retry-stuck');
    expect(run).toMatchObject({
      status: 'ok',
      findings: {
        stripe_events: { stuck: 1, inFlight: 0, retried: 1 },
        receipts: { stuck: 1, inFlight: 0, retried: 1 },
        emails: { stuck: 0, retried: 0 },
      },
    });
    await eventually(async () => (await app.http.get('/health/ready')).status === 200, 15_000);
    const { rows } = await app.db.query(
      `SELECT (SELECT status FROM stripe_events WHERE id = $1) AS event,
              (SELECT send_status FROM receipts WHERE id = $2) AS receipt`,
      [event.id, receipt.id],
    );
    expect(rows[0]).toEqual({ event: 'processed', receipt: 'sent' });
    // The receipt went out again under its stable Message-ID, which mail systems show once.
    const copies = app.mail.messages().filter((m) => m.to.includes(email));
    expect(copies.length).toBe(sentBefore + 1);
    expect(new Set(copies.map((m) => m.messageId)).size).toBe(1);
    expect((await progress(app, slug)).raised).toBe(2100);

    // One retry job per row, under a fixed id: stuck again, the next run replaces the finished
    // retry job rather than adding another one beside it.
    const receiptsQueue = new Queue('receipts', { connection: redis, prefix: app.queuePrefix });
    const eventsQueue = new Queue('stripe-events', { connection: redis, prefix: app.queuePrefix });
    try {
      const retryJobs = async () => ({
        receipts: (await receiptsQueue.getJobs(['completed', 'failed', 'waiting', 'active']))
          .map((j) => j.id)
          .filter((id) => id?.startsWith(`receipt-${receipt.id}-`)),
        events: (await eventsQueue.getJobs(['completed', 'failed', 'waiting', 'active']))
          .map((j) => j.id)
          .filter((id) => id?.startsWith(`${event.id}-`)),
      });
      expect(await retryJobs()).toEqual({
        receipts: [`receipt-${receipt.id}-retry`],
        events: [`${event.id}-retry`],
      });
      await makeStuck();
      const again = await runNow('retry-stuck');
      expect(again.findings).toMatchObject({
        stripe_events: { stuck: 1, inFlight: 0, retried: 1 },
        receipts: { stuck: 1, inFlight: 0, retried: 1 },
      });
      await eventually(async () => {
        const { rows } = await app.db.query(`SELECT send_status FROM receipts WHERE id = $1`, [
          receipt.id,
        ]);
        return rows[0].send_status === 'sent';
      });
      await settled(app);
      expect(await retryJobs()).toEqual({
        receipts: [`receipt-${receipt.id}-retry`],
        events: [`${event.id}-retry`],
      });
      expect(app.mail.messages().filter((m) => m.to.includes(email)).length).toBe(sentBefore + 2);
    } finally {
      await receiptsQueue.close();
      await eventsQueue.close();
    }
  });

  it('sends a receipt and an email once, and applies an event once, however many of their jobs overlap', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = 'overlap.receipt@example.org';
    const paid = await paidDonation(app, slug, { amount: 1700, email });
    await app.mail.waitFor((m) => m.to.includes(email), 15_000);
    const receipt = await eventually(
      async () =>
        (
          await app.db.query(
            `SELECT id FROM receipts WHERE donation_id = $1 AND send_status = 'sent'`,
            [paid.donationId],
          )
        ).rows[0],
    );
    const event = (
      await app.db.query(
        `SELECT id, attempts FROM stripe_events WHERE type = 'payment_intent.succeeded' AND object_id = $1`,
        [paid.paymentIntentId],
      )
    ).rows[0];
    const outboxEmail = (
      await app.db.query(
        `INSERT INTO outbound_emails (dedupe_key, kind, to_address, subject, text_body, html_body)
         VALUES ('overlap-test', 'pledge-payment-failed', 'overlap.email@example.org',
                 'Your monthly gift', 'Hello', '<p>Hello</p>') RETURNING id`,
      )
    ).rows[0];
    // Six jobs each, all at once (a resend, a replay, self-repair's retry, the sweeper …).
    await app.db.query(`UPDATE receipts SET send_status = 'pending' WHERE id = $1`, [receipt.id]);
    await app.db.query(`UPDATE stripe_events SET status = 'pending' WHERE id = $1`, [event.id]);
    const receiptCopies = () => app.mail.messages().filter((m) => m.to.includes(email)).length;
    const before = receiptCopies();
    const overlapping = [
      { queue: 'receipts', name: 'receipt.send', data: { receiptId: receipt.id } },
      { queue: 'mail', name: 'email.send', data: { emailId: outboxEmail.id } },
      { queue: 'stripe-events', name: 'stripe-event.process', data: { eventId: event.id } },
    ];
    const queues = overlapping.map(
      (o) => new Queue(o.queue, { connection: redis, prefix: app.queuePrefix }),
    );
    try {
      await Promise.all(
        overlapping.map((o, i) =>
          queues[i].addBulk(
            [1, 2, 3, 4, 5, 6].map((n) => ({
              name: o.name,
              data: o.data,
              opts: { jobId: `overlap-${o.name}-${n}` },
            })),
          ),
        ),
      );
      await eventually(async () => {
        const states = await Promise.all(
          overlapping.flatMap((o, i) =>
            [1, 2, 3, 4, 5, 6].map((n) => queues[i].getJobState(`overlap-${o.name}-${n}`)),
          ),
        );
        return states.every((state) => state === 'completed');
      }, 20_000);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
    // Once each: what the donors see.
    expect(receiptCopies()).toBe(before + 1);
    expect(
      app.mail.messages().filter((m) => m.to.includes('overlap.email@example.org')),
    ).toHaveLength(1);
    const { rows } = await app.db.query(
      `SELECT (SELECT send_status FROM receipts WHERE id = $1) AS receipt,
              (SELECT status FROM outbound_emails WHERE id = $2) AS email,
              (SELECT status FROM stripe_events WHERE id = $3) AS event,
              (SELECT attempts FROM stripe_events WHERE id = $3) AS attempts`,
      [receipt.id, outboxEmail.id, event.id],
    );
    expect(rows[0]).toEqual({
      receipt: 'sent',
      email: 'sent',
      event: 'processed',
      attempts: event.attempts + 1,
    });
    expect((await progress(app, slug)).raised).toBe(1700);
  });

  it('measures a resent receipt or replayed event from the resend: ready at once, not stuck', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = 'resent.receipt@example.org';
    const paid = await paidDonation(app, slug, { amount: 900, email });
    await app.mail.waitFor((m) => m.to.includes(email), 15_000);
    const receipt = await eventually(
      async () =>
        (
          await app.db.query(
            `SELECT id FROM receipts WHERE donation_id = $1 AND send_status = 'sent'`,
            [paid.donationId],
          )
        ).rows[0],
    );
    const event = (
      await app.db.query(
        `SELECT id FROM stripe_events WHERE type = 'payment_intent.succeeded' AND object_id = $1`,
        [paid.paymentIntentId],
      )
    ).rows[0];
    // Both from yesterday.
    await app.db.query(
      `UPDATE receipts SET issued_at = now() - interval '1 day', pending_since = now() - interval '1 day' WHERE id = $1`,
      [receipt.id],
    );
    await app.db.query(
      `UPDATE stripe_events SET received_at = now() - interval '1 day', pending_since = now() - interval '1 day' WHERE id = $1`,
      [event.id],
    );
    // Another worker is on them (it holds their claims, renewing them as it works): the
    // resend's and the replay's own jobs leave them to it, so they stay pending for a while, as
    // under load.
    const otherWorker = randomUUID();
    const claimUntil = async (until: string) => {
      for (const [table, id] of [
        ['receipts', receipt.id],
        ['stripe_events', event.id],
      ]) {
        await app.db.query(
          `UPDATE ${table} SET claimed_until = ${until}, claim_token = $2 WHERE id = $1`,
          [id, otherWorker],
        );
      }
    };
    await claimUntil(`now() + interval '1 hour'`);
    try {
      await app.http
        .post(`/v1/admin/receipts/${receipt.id}/resend`)
        .set('Authorization', `Bearer ${adminKey}`)
        .expect(202);
      await app.http
        .post(`/v1/admin/stripe-events/${event.id}/replay`)
        .set('Authorization', `Bearer ${adminKey}`)
        .expect(202);
      const jobsDone = async (queueName: string, prefix: string) => {
        const queue = new Queue(queueName, { connection: redis, prefix: app.queuePrefix });
        try {
          const jobs = await queue.getJobs(['completed']);
          return jobs.find((j) => j.id?.startsWith(prefix))?.returnvalue;
        } finally {
          await queue.close();
        }
      };
      expect(await eventually(() => jobsDone('receipts', `receipt-${receipt.id}:resend:`))).toBe(
        'in-progress',
      );
      expect(await eventually(() => jobsDone('stripe-events', `${event.id}:replay:`))).toBe(
        'in-progress',
      );

      const ready = await app.http.get('/health/ready').expect(200);
      expect(ready.body.details.events).toMatchObject({ status: 'up', waiting: 1 });
      expect(ready.body.details.events.oldestAgeSeconds).toBeLessThan(60);
      expect(ready.body.details.outbox).toMatchObject({ status: 'up', receipts: { waiting: 1 } });
      expect(ready.body.details.outbox.receipts.oldestAgeSeconds).toBeLessThan(60);
      const run = await runNow('retry-stuck');
      expect(run.findings).toMatchObject({
        stripe_events: { stuck: 0, retried: 0 },
        receipts: { stuck: 0, retried: 0 },
      });
    } finally {
      // That worker dies: its claims run out.
      await claimUntil(`now() - interval '1 second'`);
    }
    // Dead for good, it leaves the rows stuck once they have waited long enough.
    await app.db.query(
      `UPDATE receipts SET pending_since = now() - interval '1 hour' WHERE id = $1`,
      [receipt.id],
    );
    await app.db.query(
      `UPDATE stripe_events SET pending_since = now() - interval '1 hour' WHERE id = $1`,
      [event.id],
    );
    const run = await runNow('retry-stuck');
    expect(run.findings).toMatchObject({
      stripe_events: { stuck: 1, retried: 1 },
      receipts: { stuck: 1, retried: 1 },
    });
    await settled(app);
    await eventually(async () => (await app.http.get('/health/ready')).status === 200, 15_000);
    const copies = await eventually(async () => {
      const found = app.mail.messages().filter((m) => m.to.includes(email));
      return found.length === 2 ? found : undefined;
    });
    expect(new Set(copies.map((m) => m.messageId)).size).toBe(1);
  });

  it('lists runs newest first, filtered and paged; staff only; 400 naming a bad task', async () => {
    const all = await app.http
      .get('/v1/admin/maintenance?limit=2')
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(200);
    expect(all.body.data).toHaveLength(2);
    const [newest, older] = all.body.data;
    expect(Date.parse(newest.startedAt)).toBeGreaterThanOrEqual(Date.parse(older.startedAt));
    const page = await app.http
      .get(`/v1/admin/maintenance?limit=50&before=${encodeURIComponent(older.startedAt)}`)
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(200);
    expect(page.body.data.map((r: { id: string }) => r.id)).not.toContain(newest.id);
    const syncs = await app.http
      .get('/v1/admin/maintenance?task=stripe-sync')
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(200);
    expect(syncs.body.data.length).toBeGreaterThanOrEqual(2);
    expect(new Set(syncs.body.data.map((r: { task: string }) => r.task))).toEqual(
      new Set(['stripe-sync']),
    );

    await app.http.get('/v1/admin/maintenance').expect(401);
    await app.http
      .post('/v1/admin/maintenance/reconcile/run')
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(403);
    const badTask = await app.http
      .post('/v1/admin/maintenance/vacuum/run')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(400);
    expect(badTask.body.message).toMatch(/^task must be one of/);
    const badFilter = await app.http
      .get('/v1/admin/maintenance?task=vacuum')
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(400);
    expect(badFilter.body.message).toMatch(/^task must be one of/);
  });

  it('keeps 90 days of runs (and each task its last success), and closes runs a dead worker left', async () => {
    const insertRun = async (task: string, status: string, startedAgo: string) =>
      (
        await app.db.query(
          `INSERT INTO maintenance_runs (task, trigger, status, started_at, finished_at)
           VALUES ($1, 'schedule', $2, now() - $3::interval,
                   CASE WHEN $2 = 'running' THEN NULL ELSE now() - $3::interval + interval '1 second' END)
           RETURNING id`,
          [task, status, startedAgo],
        )
      ).rows[0].id as string;
    // Reconcile's only success is old: it stays (the last-success gauge and its alert need it).
    await app.db.query(`DELETE FROM maintenance_runs WHERE task = 'reconcile'`);
    const lastReconcile = await insertRun('reconcile', 'ok', '100 days');
    const oldFailure = await insertRun('reconcile', 'failed', '120 days');
    const oldSync = await insertRun('stripe-sync', 'ok', '100 days');
    const recentSkip = await insertRun('stripe-sync', 'skipped', '80 days');

    const run = await runNow('retry-stuck');
    expect(run.findings.runsDeleted).toBe(2);
    const left = async (ids: string[]) =>
      (await app.db.query(`SELECT id FROM maintenance_runs WHERE id = ANY($1)`, [ids])).rows.map(
        (r) => r.id,
      );
    expect((await left([lastReconcile, oldFailure, oldSync, recentSkip])).sort()).toEqual(
      [lastReconcile, recentSkip].sort(),
    );
    const api = (await app.http.get('/metrics').expect(200)).text;
    expect(
      metricValue(api, 'pledge_maintenance_last_success_timestamp_seconds', { task: 'reconcile' }),
    ).toBeLessThan(Date.now() / 1000 - 99 * 86_400);

    // A run left `running` by a worker that died: a worker starting later closes it.
    const interrupted = await insertRun('stripe-sync', 'running', '2 hours');
    const current = await insertRun('reconcile', 'running', '5 minutes');
    const second = await createWorker({ destination: { write: () => undefined } });
    try {
      const { rows } = await app.db.query(
        `SELECT id, status, error, finished_at IS NOT NULL AS finished FROM maintenance_runs
          WHERE id = ANY($1) ORDER BY started_at`,
        [[interrupted, current]],
      );
      expect(rows).toEqual([
        {
          id: interrupted,
          status: 'failed',
          error: expect.stringMatching(/^interrupted/),
          finished: true,
        },
        { id: current, status: 'running', error: null, finished: false },
      ]);
    } finally {
      await second.close();
      await app.db.query(`DELETE FROM maintenance_runs WHERE id = $1`, [current]);
    }
  });
});
