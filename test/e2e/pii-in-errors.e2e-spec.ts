import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, paidDonation } from '../support/flows';

/**
 * Whatever fails, the logs, job_failures, the outboxes' last_error and what BullMQ keeps of a
 * failed job tell the error's class and code, never the donor's email or name; staff reads of
 * personal data are on the audit log with their route and row count, never the searched email.
 */
describe('no personal data in errors; staff reads audited', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;
  let slug: string;
  let redis: IORedis;
  const tag = randomBytes(3).toString('hex');
  const NAME = `Zora Quillfeather ${tag}`;
  const STREET = `${tag} Secret Lane`;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    ({ slug } = await createCampaign(app, adminKey));
    redis = new IORedis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    redis?.disconnect();
    await app?.close();
  });

  const expectClean = (text: string, ...secrets: string[]) => {
    for (const secret of [...secrets, NAME, STREET]) expect(text).not.toContain(secret);
  };

  it('logs a database failure by class and SQLSTATE, without the query or its parameters', async () => {
    const email = `db.reject.${tag}@example.org`;
    // The database refuses this donor: the INSERT carrying email, name and address fails there.
    await app.db.query(
      `ALTER TABLE donors ADD CONSTRAINT pii_test_refused CHECK (email NOT LIKE 'db.reject.%')`,
    );
    try {
      const res = await app.http.post(`/v1/campaigns/${slug}/donations`).send({
        amount: 2500,
        currency: 'usd',
        email,
        name: NAME,
        address: { line1: STREET, city: 'Oslo', postalCode: '0150', country: 'NO' },
      });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        code: 'internal_error',
        message: 'Internal server error',
        requestId: expect.any(String),
      });
      const line = await eventually(async () =>
        app
          .logs()
          .split('\n')
          .find((l) => l.includes('request failed') && l.includes(res.body.requestId)),
      );
      const logged = JSON.parse(line!);
      expect(logged.err).toMatchObject({
        class: 'QueryFailedError',
        code: '23514',
        message: expect.stringContaining('constraint pii_test_refused'),
      });
      expect(logged.err.stack).toMatch(/\n\s+at /);
      expectClean(app.logs(), email, 'INSERT INTO', 'example.org');
    } finally {
      await app.db.query(`ALTER TABLE donors DROP CONSTRAINT pii_test_refused`);
    }
  });

  it('keeps an SMTP rejection quoting the recipient out of last_error, job_failures, BullMQ and the logs', async () => {
    const email = `smtp.reject.${tag}@example.org`;
    app.mail.rejectRecipients(/^smtp\.reject\./);
    const mailQueue = new Queue('mail', { connection: redis, prefix: app.queuePrefix });
    const receiptQueue = new Queue('receipts', { connection: redis, prefix: app.queuePrefix });
    try {
      // A receipt: refused for good (5xx), so its job fails as unrecoverable at once.
      const paid = await paidDonation(app, slug, { email, name: NAME });
      const receipt = await eventually(async () => {
        const { rows } = await app.db.query(
          `SELECT id, send_status, last_error FROM receipts WHERE donation_id = $1`,
          [paid.donationId],
        );
        return rows[0]?.send_status === 'failed' ? rows[0] : undefined;
      });
      expect(receipt.last_error).toMatch(/^Error \[EENVELOPE 550\]: SMTP 550 5\.1\.1/);

      // An outbound email, one attempt: failed, recorded for staff.
      const { rows } = await app.db.query(
        `INSERT INTO outbound_emails (dedupe_key, kind, to_address, subject, text_body, html_body)
         VALUES ($1, 'pledge-payment-failed', $2, 'Your monthly gift', $3, $3) RETURNING id`,
        [`pii-test:${tag}`, email, `Dear ${NAME}`],
      );
      const emailId = rows[0].id as string;
      const emailJobId = `email-${emailId}`;
      await mailQueue.add('email.send', { emailId }, { jobId: emailJobId, attempts: 1 });
      await eventually(async () => (await mailQueue.getJobState(emailJobId)) === 'failed');
      const outbound = (
        await app.db.query(`SELECT status, last_error FROM outbound_emails WHERE id = $1`, [
          emailId,
        ])
      ).rows[0];
      expect(outbound).toEqual({
        status: 'failed',
        last_error: expect.stringMatching(/^Error \[EENVELOPE 550\]: SMTP 550/),
      });

      // What BullMQ keeps in Redis, as the queue dashboard shows it.
      const jobs = [
        await mailQueue.getJob(emailJobId),
        await receiptQueue.getJob(`receipt-${receipt.id}`),
      ];
      for (const job of jobs) {
        expect(job?.failedReason).toMatch(/EENVELOPE 550/);
        expect((job?.stacktrace ?? []).length).toBeGreaterThan(0);
        expect((job?.stacktrace ?? []).join('\n')).toMatch(/\n\s+at /);
        expectClean(`${job?.failedReason}\n${(job?.stacktrace ?? []).join('\n')}`, email, '@');
      }
      const board = await app.http
        .get('/admin/queues/api/queues?activeQueue=mail&status=failed&page=1&jobsPerPage=50')
        .set('Authorization', `Bearer ${adminKey}`)
        .expect(200);
      expectClean(JSON.stringify(board.body), email);

      // job_failures, for both (the receipt's was unrecoverable), and its staff listing.
      const failures = await eventually(async () => {
        const { rows } = await app.db.query(
          `SELECT job_id, error, payload::text FROM job_failures WHERE job_id = ANY($1)`,
          [[emailJobId, `receipt-${receipt.id}`]],
        );
        return rows.length === 2 ? rows : undefined;
      });
      for (const f of failures) expect(f.error).toMatch(/^Error \[EENVELOPE 550\]: SMTP 550/);
      const listed = await app.http
        .get('/v1/admin/job-failures')
        .set('Authorization', `Bearer ${adminKey}`)
        .expect(200);
      expect(listed.body.data.length).toBeGreaterThanOrEqual(2);

      // Nothing stored or logged names the recipient.
      const stored = await app.db.query(
        `SELECT (SELECT string_agg(coalesce(last_error, ''), ' ') FROM receipts) ||
                (SELECT string_agg(coalesce(last_error, ''), ' ') FROM outbound_emails) ||
                (SELECT string_agg(error || payload::text, ' ') FROM job_failures) AS t`,
      );
      expectClean(stored.rows[0].t, email, '@');
      expect(app.logs()).toContain('EENVELOPE 550');
      expectClean(app.logs(), email);
    } finally {
      app.mail.rejectRecipients(null);
      await mailQueue.close();
      await receiptQueue.close();
    }
  });

  it('records staff reads of personal data: route, key and row count, never the searched email', async () => {
    const email = `searched.${tag}@example.org`;
    await paidDonation(app, slug, { email, name: NAME });
    const admin = (path: string) => app.http.get(path).set('Authorization', `Bearer ${adminKey}`);
    const finance = (path: string) =>
      app.http.get(path).set('Authorization', `Bearer ${financeKey}`);

    const found = await admin(`/v1/admin/donors?email=${encodeURIComponent(email)}`).expect(200);
    await admin(`/v1/admin/donors?email=${encodeURIComponent(`nobody.${tag}@example.org`)}`).expect(
      404,
    );
    const page = (await finance('/v1/reports/donations?limit=500').expect(200)).body;
    const csv = await finance('/v1/reports/donations.csv').expect(200);
    const csvRows = csv.text.split('\r\n').filter(Boolean).length - 1;
    expect(csvRows).toBe(page.data.length);
    expect(csvRows).toBeGreaterThan(0);
    await admin('/v1/admin/pledges').expect(200);
    await admin('/v1/admin/receipts').expect(200);
    // Reading the audit log itself is not recorded (it holds no personal data).
    await admin('/v1/admin/audit').expect(200);

    const entries: {
      action: string;
      staffKeyName: string;
      target: Record<string, unknown>;
      request: unknown;
      response: Record<string, unknown> | null;
      statusCode: number;
    }[] = await eventually(async () => {
      const res = await admin('/v1/admin/audit?limit=200').expect(200);
      const data = res.body.data as { action: string; statusCode: number | null }[];
      const csvEntry = data.find((e) => e.action === 'GET /v1/reports/donations.csv');
      return csvEntry?.statusCode ? res.body.data : undefined;
    });
    const reads = (action: string) =>
      entries
        .filter((e) => e.action === action)
        .map((e) => ({ key: e.staffKeyName, status: e.statusCode, response: e.response }));
    expect(reads('GET /v1/admin/donors')).toEqual([
      { key: 'test admin', status: 404, response: { error: expect.any(String) } },
      { key: 'test admin', status: 200, response: { rows: 1 } },
    ]);
    expect(reads('GET /v1/reports/donations')).toEqual([
      { key: 'test finance', status: 200, response: { rows: page.data.length } },
    ]);
    expect(reads('GET /v1/reports/donations.csv')).toEqual([
      { key: 'test finance', status: 200, response: { rows: csvRows, complete: true } },
    ]);
    expect(reads('GET /v1/admin/pledges')).toHaveLength(1);
    expect(reads('GET /v1/admin/receipts')).toHaveLength(1);
    expect(reads('GET /v1/admin/audit')).toEqual([]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(email);
    expect(text).not.toContain('nobody.');
    expect(text).not.toContain('@');
    expect(found.body.id).toEqual(expect.any(String));
  });
});
