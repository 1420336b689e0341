import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { createCampaign, paidDonation, settled } from '../support/flows';
import { eventually, freePort, startTestApp, TestApp } from '../support/harness';
import { labelValues, metricValue } from '../support/metrics';

const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

/** Issue #9: what Prometheus scrapes from the API and the worker, and the queue dashboard. */
describe('operations: metrics and the queue dashboard', () => {
  let app: TestApp;
  let workerMetricsUrl: string;
  let adminKey: string;
  let financeKey: string;
  let slug: string;

  const scrapeApi = async () =>
    (await app.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200))
      .text;
  const scrapeWorker = async () => {
    const res = await fetch(workerMetricsUrl, {
      headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    const workerPort = await freePort();
    workerMetricsUrl = `http://127.0.0.1:${workerPort}/metrics`;
    app = await startTestApp({
      worker: true,
      env: { WORKER_METRICS_PORT: String(workerPort), METRICS_TOKEN },
    });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    ({ slug } = await createCampaign(app, adminKey));
  });
  afterAll(() => app?.close());

  it('shows a donation: the webhook, the processed event, the amount and the sent receipt', async () => {
    const email = 'metrics.donor@example.org';
    const paid = await paidDonation(app, slug, { amount: 2500, email, name: 'Noor Example' });
    await app.mail.waitFor((m) => m.to.includes(email) && /receipt/i.test(m.subject), 15_000);

    const api = await scrapeApi();
    expect(metricValue(api, 'pledge_webhooks_received_total')).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(api, 'pledge_stripe_events_stored_total', { source: 'webhook', result: 'new' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(api, 'pledge_http_requests_total', {
        method: 'POST',
        route: '/v1/stripe/webhook',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(api, 'pledge_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/campaigns/:slug/donations',
        status: '201',
      }),
    ).toBe(1);

    const worker = await eventually(async () => {
      const text = await scrapeWorker();
      return metricValue(text, 'pledge_receipts_sent_total', { kind: 'receipt' }) ? text : null;
    });
    expect(
      metricValue(worker, 'pledge_stripe_events_processed_total', {
        type: 'payment_intent.succeeded',
        outcome: 'processed',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(metricValue(worker, 'pledge_donations_succeeded_total', { currency: 'usd' })).toBe(1);
    expect(
      metricValue(worker, 'pledge_donations_succeeded_amount_total', { currency: 'usd' }),
    ).toBe(2500);
    expect(metricValue(worker, 'pledge_receipts_sent_total', { kind: 'receipt' })).toBe(1);

    // No personal data, and no raw URL, in any label of either process.
    for (const text of [api, worker]) {
      const values = labelValues(text).join('\n');
      expect(values).not.toContain(email);
      expect(values).not.toContain('Noor');
      expect(values).not.toContain(slug);
      expect(values).not.toContain(paid.paymentIntentId);
      expect(values).not.toContain(paid.donationId);
    }
  });

  it('counts a redelivered event as a duplicate, not as a second gift', async () => {
    const paid = await paidDonation(app, slug, { amount: 1200 });
    const before = await scrapeWorker();
    const succeeded = (await app.standIn.events()).find(
      (e) =>
        e.type === 'payment_intent.succeeded' && JSON.stringify(e).includes(paid.paymentIntentId),
    )!;
    await app.standIn.redeliverEvent(succeeded.id);
    await settled(app);

    const api = await scrapeApi();
    expect(
      metricValue(api, 'pledge_stripe_events_stored_total', {
        source: 'webhook',
        result: 'duplicate',
      }),
    ).toBeGreaterThanOrEqual(1);
    const after = await scrapeWorker();
    expect(metricValue(after, 'pledge_donations_succeeded_amount_total', { currency: 'usd' })).toBe(
      metricValue(before, 'pledge_donations_succeeded_amount_total', { currency: 'usd' }),
    );
  });

  it('counts refused webhooks by reason', async () => {
    await app.http
      .post('/v1/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', 't=1,v1=00')
      .send({ id: 'evt_forged' })
      .expect(400);
    await app.http
      .post('/v1/stripe/webhook')
      .set('Content-Type', 'application/json')
      .send({ id: 'evt_unsigned' })
      .expect(400);
    const api = await scrapeApi();
    expect(
      metricValue(api, 'pledge_webhooks_rejected_total', { reason: 'bad_signature' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(api, 'pledge_webhooks_rejected_total', { reason: 'missing_signature' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('labels requests by route pattern, unknown paths as unmatched', async () => {
    await app.http.get('/v1/nothing/here?email=someone%40example.org').expect(404);
    const api = await scrapeApi();
    expect(
      metricValue(api, 'pledge_http_requests_total', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(api).not.toContain('/v1/nothing');
    expect(api).not.toContain('someone');
  });

  it('reports queues and outboxes at scrape time, from both processes', async () => {
    for (const text of [await scrapeApi(), await scrapeWorker()]) {
      for (const queue of ['stripe-events', 'mail', 'receipts', 'maintenance']) {
        for (const state of ['waiting', 'active', 'failed', 'delayed']) {
          expect(metricValue(text, 'pledge_queue_jobs', { queue, state })).toBeGreaterThanOrEqual(
            0,
          );
        }
      }
      for (const outbox of ['stripe_events', 'receipts', 'emails', 'action_deliveries']) {
        expect(metricValue(text, 'pledge_outbox_waiting', { outbox })).toBe(0);
        expect(metricValue(text, 'pledge_outbox_oldest_age_seconds', { outbox })).toBe(0);
      }
    }
    // An event waiting to be processed shows as waiting, with the age of its wait: since it
    // last became pending (here replayed 10 minutes ago), not since it was received.
    await app.db.query(
      `INSERT INTO stripe_events (id, type, livemode, stripe_created_at, payload, received_at, pending_since)
       VALUES ('evt_waiting_test', 'customer.created', false, now(), '{}',
               now() - interval '2 days', now() - interval '10 minutes')`,
    );
    try {
      const text = await scrapeApi();
      expect(metricValue(text, 'pledge_outbox_waiting', { outbox: 'stripe_events' })).toBe(1);
      const age = metricValue(text, 'pledge_outbox_oldest_age_seconds', {
        outbox: 'stripe_events',
      });
      expect(age).toBeGreaterThanOrEqual(600);
      expect(age).toBeLessThan(3600);
    } finally {
      await app.db.query(`DELETE FROM stripe_events WHERE id = 'evt_waiting_test'`);
    }
  });

  it('asks for METRICS_TOKEN when one is set, on the API and the worker', async () => {
    const refused = await app.http.get('/metrics').expect(401);
    expect(refused.body.message).toBe('Authorization: Bearer <METRICS_TOKEN> is required');
    await app.http
      .get('/metrics')
      .set('Authorization', 'Bearer wrong-token-0123456789')
      .expect(401);
    expect((await fetch(workerMetricsUrl)).status).toBe(401);
    const ok = await app.http
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
  });

  /** Opens a dashboard session with a Bearer key, as the staff dashboard's Queues button does. */
  const dashboardSession = async (key: string): Promise<string> => {
    const res = await app.http
      .post('/admin/queues/session')
      .set('Authorization', `Bearer ${key}`)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(204);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(setCookie).toHaveLength(1);
    return setCookie[0].split(';')[0];
  };

  it('lets a browser in only through a same-site session cookie; never HTTP Basic', async () => {
    // HTTP Basic, even with the right admin key: refused, with no challenge to prompt for it.
    const basic = Buffer.from(`staff:${adminKey}`).toString('base64');
    const refused = await app.http
      .get('/admin/queues/api/queues')
      .set('Authorization', `Basic ${basic}`)
      .expect(401);
    expect(refused.headers['www-authenticate']).toBeUndefined();

    // Bearer works for scripts.
    await app.http
      .get('/admin/queues/api/queues')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(200);

    // A session needs a Bearer admin key; finance cannot open one.
    await app.http.post('/admin/queues/session').expect(401);
    await app.http
      .post('/admin/queues/session')
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(403);
    const res = await app.http
      .post('/admin/queues/session')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(204);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(setCookie).toHaveLength(1);
    const attributes = setCookie[0].split(';').map((a) => a.trim());
    expect(attributes).toEqual(
      expect.arrayContaining([
        'Path=/admin/queues',
        'HttpOnly',
        'SameSite=Strict',
        expect.stringMatching(/^Max-Age=\d+$/),
      ]),
    );
    const cookie = attributes[0];
    expect(cookie).toMatch(/^queues_session=[A-Za-z0-9_-]{43}$/);

    // Same-origin reads and changes with the cookie work; the change is audited under the key.
    await app.http
      .get('/admin/queues/api/queues')
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(200);
    await app.http
      .put('/admin/queues/api/queues/maintenance/pause')
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(200);
    const rows = await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT staff_key_name, status_code FROM audit_log WHERE action = 'PUT /admin/queues/api/queues/maintenance/pause'`,
      );
      return rows[0]?.status_code ? rows : undefined;
    });
    expect(rows).toEqual([{ staff_key_name: 'test admin', status_code: 200 }]);
    await app.http
      .put('/admin/queues/api/queues/maintenance/resume')
      .set('Cookie', cookie)
      .set('Host', 'pledges.test')
      .set('Origin', 'https://pledges.test')
      .expect(200);

    // Cross-site with the cookie (a browser without SameSite support, a same-site subdomain):
    // 403, for a change and for a read, and nothing done.
    for (const site of ['cross-site', 'same-site']) {
      await app.http
        .put('/admin/queues/api/queues/maintenance/pause')
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', site)
        .expect(403);
      await app.http
        .get('/admin/queues/api/queues')
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', site)
        .expect(403);
    }
    await app.http
      .put('/admin/queues/api/queues/maintenance/pause')
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .expect(403);
    // A change carrying neither Sec-Fetch-Site nor Origin cannot be told apart: refused.
    await app.http
      .put('/admin/queues/api/queues/maintenance/pause')
      .set('Cookie', cookie)
      .expect(403);
    const paused = await app.db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'PUT /admin/queues/api/queues/maintenance/pause'`,
    );
    expect(paused.rows[0].n).toBe(1);

    // Closing the session ends it; an unknown cookie is no key.
    await app.http
      .delete('/admin/queues/session')
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(204);
    await app.http
      .get('/admin/queues/api/queues')
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(401);
  });

  /** What a browser must get with every answer of the dashboard, a refusal included. */
  const expectDashboardHeaders = (res: { headers: Record<string, string> }) => {
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    // Scripts from the board itself only: no inline or eval'd script may run.
    expect(csp).toMatch(/(^|;)script-src 'self'(;|$)/);
    expect(csp).toContain("object-src 'none'");
  };

  it('guards /admin/queues: 401 with no Basic challenge, 403 for finance, the failed job for admin', async () => {
    const none = await app.http.get('/admin/queues').expect(401);
    // No Basic challenge: a browser would keep the key and send it on cross-site requests.
    expect(none.headers['www-authenticate']).toBeUndefined();
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expectDashboardHeaders(none);
    await app.http.get('/admin/queues/api/queues').expect(401);
    await app.http
      .get('/admin/queues')
      .set('Authorization', 'Bearer pbk_unknown000000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')
      .expect(401);
    await app.http.get('/admin/queues').set('Authorization', `Bearer ${financeKey}`).expect(403);

    // A receipt SMTP refuses for good: its job fails, and the board shows it.
    app.mail.refuse(550);
    let failedJobId: string;
    let receiptId: string;
    try {
      const refused = await paidDonation(app, slug, { email: 'refused.board@example.org' });
      const receipt = await eventually(async () => {
        const { rows } = await app.db.query(
          `SELECT id, send_status FROM receipts WHERE donation_id = $1`,
          [refused.donationId],
        );
        return rows[0]?.send_status === 'failed' ? rows[0] : undefined;
      });
      receiptId = receipt.id;
      failedJobId = `receipt-${receipt.id}`;
    } finally {
      app.mail.refuse(null);
    }

    const listing = await eventually(async () => {
      const res = await app.http
        .get('/admin/queues/api/queues?activeQueue=receipts&status=failed&page=1&jobsPerPage=50')
        .set('Authorization', `Bearer ${adminKey}`)
        .expect(200);
      const receipts = res.body.queues.find((q: { name: string }) => q.name === 'receipts');
      return receipts?.jobs?.some((j: { id: string }) => j.id === failedJobId) ? res.body : null;
    });
    expect(listing.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      'mail',
      'maintenance',
      'receipts',
      'stripe-events',
    ]);
    const job = listing.queues
      .find((q: { name: string }) => q.name === 'receipts')
      .jobs.find((j: { id: string }) => j.id === failedJobId);
    expect(job.failedReason).toMatch(/550/);
    expect(job.data).toEqual({ receiptId: failedJobId.replace('receipt-', '') });

    // The page itself, as a browser gets it: through the session the staff dashboard opens.
    const cookie = await dashboardSession(adminKey);
    const page = await app.http
      .get('/admin/queues')
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'none')
      .expect(200);
    expect(page.text).toMatch(/<html/i);
    expectDashboardHeaders(page);
    // The policy lets the page work: the one inline script is the board's JSON settings (data,
    // never run), and every script and stylesheet it names is served by the board itself.
    const inlineScripts = [...page.text.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inlineScripts.map((m) => m[1].trim())).toEqual([
      'id="__UI_CONFIG__" type="application/json"',
    ]);
    const assets = [...page.text.matchAll(/(?:src|href)="(static\/[^"]+\.(?:js|css))"/g)].map(
      (m) => m[1],
    );
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const res = await app.http
        .get(`/admin/queues/${asset}`)
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', 'same-origin')
        .expect(200);
      expectDashboardHeaders(res);
    }

    // Retry from the board: done, and on the audit log under the admin key.
    await app.http
      .put(`/admin/queues/api/queues/receipts/${failedJobId}/retry`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(204);
    const audit = await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT action, staff_key_name, status_code FROM audit_log WHERE action LIKE 'PUT /admin/queues/api/queues/receipts/%'`,
      );
      return rows[0]?.status_code ? rows[0] : undefined;
    });
    expect(audit).toEqual({
      action: `PUT /admin/queues/api/queues/receipts/${failedJobId}/retry`,
      staff_key_name: 'test admin',
      status_code: 204,
    });
    // The retry is a real one: the receipt that had failed is sent, and the donor has it.
    const mail = await app.mail.waitFor(
      (m) => m.to.includes('refused.board@example.org') && /receipt/i.test(m.subject),
      15_000,
    );
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT send_status, last_error FROM receipts WHERE id = $1`,
        [receiptId],
      );
      return rows[0].send_status === 'sent' && rows[0].last_error === null;
    });
    const redis = new IORedis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const queue = new Queue('receipts', { connection: redis, prefix: app.queuePrefix });
    try {
      await eventually(async () => (await queue.getJobState(failedJobId)) === 'completed');
      expect((await queue.getJob(failedJobId))?.returnvalue).toBe('sent');
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('sends a failed email again when its job is retried from the board; never an erased one', async () => {
    const redis = new IORedis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const queue = new Queue('mail', { connection: redis, prefix: app.queuePrefix });
    const addEmail = async (to: string) =>
      (
        await app.db.query(
          `INSERT INTO outbound_emails (dedupe_key, kind, to_address, subject, text_body, html_body)
           VALUES ($1, 'pledge-payment-failed', $2, 'Your monthly gift', 'Hello', '<p>Hello</p>')
           RETURNING id`,
          [`board-retry:${to}`, to],
        )
      ).rows[0].id as string;
    const emailOf = async (id: string) =>
      (await app.db.query(`SELECT status, last_error FROM outbound_emails WHERE id = $1`, [id]))
        .rows[0];
    try {
      // SMTP refuses its only try: the email is failed, and so is its job.
      const to = 'board.email@example.org';
      const id = await addEmail(to);
      app.mail.refuse(550);
      try {
        await queue.add('email.send', { emailId: id }, { jobId: `email-${id}`, attempts: 1 });
        await eventually(async () => (await queue.getJobState(`email-${id}`)) === 'failed');
      } finally {
        app.mail.refuse(null);
      }
      expect(await emailOf(id)).toMatchObject({ status: 'failed', last_error: expect.any(String) });

      await app.http
        .put(`/admin/queues/api/queues/mail/email-${id}/retry`)
        .set('Authorization', `Bearer ${adminKey}`)
        .expect(204);
      const mail = await app.mail.waitFor((m) => m.to.includes(to), 15_000);
      expect(mail.subject).toBe('Your monthly gift');
      await eventually(async () => (await emailOf(id)).status === 'sent');

      // The email of an erased donor failed on purpose: a retry sends nothing.
      const erased = await addEmail('erased.board@example.org');
      await app.db.query(
        `UPDATE outbound_emails SET to_address = 'erased', text_body = NULL, html_body = NULL,
                status = 'failed', last_error = 'not sent: the donor was erased' WHERE id = $1`,
        [erased],
      );
      await queue.add('email.send', { emailId: erased }, { jobId: `email-${erased}` });
      await eventually(async () => (await queue.getJobState(`email-${erased}`)) === 'completed');
      expect(await emailOf(erased)).toEqual({
        status: 'failed',
        last_error: 'not sent: the donor was erased',
      });
      expect(app.mail.messages().filter((m) => m.to.includes('erased'))).toEqual([]);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});
