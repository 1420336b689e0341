import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { createWorker } from '../../src/bootstrap';
import { JobName, JobPayloads } from '../../src/common/queue/job-catalogue';
import { MailService } from '../../src/mail/mail.service';
import { createCampaign, donate, Donated, ledger, progress, settled } from '../support/flows';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { HoldingProxy } from '../support/holding-proxy';

/** Connections of the worker's pool: fewer than the jobs it runs at once below. */
const POOL_SIZE = 2;

/**
 * Outbox jobs claim their row with a lease and hold no database connection while Stripe or
 * SMTP answers: a worker with a pool of two connections runs many more jobs at once. A job
 * finding the row claimed leaves it alone; a claim whose holder died runs out and is taken
 * over; a job whose claim was taken over records nothing when it finishes late.
 */
describe('outbox leases: no connection held while a job waits on Stripe or SMTP', () => {
  let app: TestApp;
  let adminKey: string;
  let proxy: HoldingProxy;
  let worker: INestApplicationContext;
  let redis: IORedis;
  const workerLogs: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    adminKey = await app.createKey('admin');
    proxy = new HoldingProxy(app.standIn.url);
    await proxy.start();
    redis = new IORedis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    // The worker reaches Stripe through the proxy, with a pool of two connections, up to 32
    // Stripe events at once and two jobs of each other queue. Its lease (half of the lock
    // duration) outlasts every test here, so no renewal moves a claim a test set.
    const workerEnv = {
      STRIPE_API_URL: proxy.url,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      STRIPE_EVENTS_CONCURRENCY: '32',
      WORKER_CONCURRENCY: '2',
      WORKER_LOCK_DURATION_MS: '600000',
    };
    const saved = Object.fromEntries(Object.keys(workerEnv).map((k) => [k, process.env[k]]));
    Object.assign(process.env, workerEnv);
    try {
      worker = await createWorker({ destination: { write: (line) => void workerLogs.push(line) } });
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
  afterAll(async () => {
    await proxy?.close();
    app?.mail.holdRecipients(null);
    await worker?.close();
    redis?.disconnect();
    await app?.close();
  });

  /** What the worker's connections are doing now, and the advisory locks they hold. */
  const workerConnections = async () => {
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS connections,
              count(*) FILTER (WHERE a.state = 'idle in transaction')::int AS in_transaction,
              (SELECT count(*)::int FROM pg_locks l JOIN pg_stat_activity b ON b.pid = l.pid
                WHERE l.locktype = 'advisory' AND b.datname = current_database()
                  AND b.application_name = 'pledges-worker') AS advisory_locks
         FROM pg_stat_activity a
        WHERE a.datname = current_database() AND a.application_name = 'pledges-worker'`,
    );
    return rows[0] as { connections: number; in_transaction: number; advisory_locks: number };
  };

  /** Adds a job as any producer would (a retry of self-repair, a second delivery). */
  const addJob = async <N extends JobName>(
    queueName: string,
    name: N,
    payload: JobPayloads[N],
    jobId: string,
  ) => {
    const queue = new Queue(queueName, { connection: redis, prefix: app.queuePrefix });
    try {
      await queue.add(name, payload, { jobId });
    } finally {
      await queue.close();
    }
  };

  /** What a finished job answered. */
  const answerOf = (queueName: string, jobId: string) =>
    eventually(async () => {
      const queue = new Queue(queueName, { connection: redis, prefix: app.queuePrefix });
      try {
        const job = await queue.getJob(jobId);
        if (!job || !(await job.isCompleted())) return null;
        // Read again: the first read may predate the completion (its returnvalue still null).
        const done = await queue.getJob(jobId);
        return { answer: done!.returnvalue as string };
      } finally {
        await queue.close();
      }
    }, 20_000);

  /** An email in the outbox, as a module writes it (MailService.add), not yet enqueued. */
  const outboxEmail = async (to: string, claim?: { until: string; token: string }) => {
    const { rows } = await app.db.query(
      `INSERT INTO outbound_emails (dedupe_key, kind, to_address, subject, text_body, html_body,
                                    claimed_until, claim_token)
       VALUES ($1, 'test', $2, 'Lease test', 'Hello', '<p>Hello</p>', ${claim?.until ?? 'NULL'}, $3)
       RETURNING id`,
      [`lease-test:${randomBytes(6).toString('hex')}`, to, claim?.token ?? null],
    );
    return rows[0].id as string;
  };
  const emailRow = async (id: string) =>
    (
      await app.db.query(
        `SELECT status, attempts, claim_token, claimed_until IS NOT NULL AS claimed
           FROM outbound_emails WHERE id = $1`,
        [id],
      )
    ).rows[0];

  it(`runs more Stripe event jobs at once than the worker has connections (${POOL_SIZE}): none holds one while Stripe answers, each payment counted once`, async () => {
    const { slug } = await createCampaign(app, adminKey);
    const gifts: Donated[] = [];
    for (let i = 0; i < 8; i++) gifts.push(await donate(app, slug, { amount: 1000 + i }));
    // Every job reading a PaymentIntent waits for Stripe's answer, held on the way back.
    proxy.holdAll('/v1/payment_intents/');
    for (const gift of gifts) await app.standIn.succeedPaymentIntent(gift.paymentIntentId);

    // Every payment's job is at Stripe at the same time: four times the pool's connections (and
    // WORKER_CONCURRENCY: the stripe-events queue runs STRIPE_EVENTS_CONCURRENCY jobs).
    const heldPayments = () =>
      new Set(
        proxy.heldPaths().map((p) => /\/v1\/payment_intents\/(pi_[A-Za-z0-9]+)/.exec(p)?.[1]),
      );
    await eventually(async () => gifts.every((g) => heldPayments().has(g.paymentIntentId)), 15_000);
    const { rows: claimed } = await app.db.query(
      `SELECT count(*)::int AS n FROM stripe_events WHERE status = 'pending' AND claimed_until > now()`,
    );
    expect(claimed[0].n).toBeGreaterThanOrEqual(gifts.length);
    // Meanwhile the worker keeps no transaction open and no lock: its pool is idle.
    for (let sample = 0; sample < 5; sample++) {
      const seen = await workerConnections();
      expect(seen.connections).toBeLessThanOrEqual(POOL_SIZE);
      expect({ inTransaction: seen.in_transaction, advisoryLocks: seen.advisory_locks }).toEqual({
        inTransaction: 0,
        advisoryLocks: 0,
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    proxy.release();
    await settled(app, 30_000);
    const expected = gifts.reduce((sum, g) => sum + g.amount, 0);
    expect(await progress(app, slug)).toMatchObject({ raised: expected, donationCount: 8 });
    for (const gift of gifts) {
      const charges = (await ledger(app, gift.donationId)).filter((e) => e.kind === 'charge');
      expect(charges.map((e) => e.amount)).toEqual([gift.amount]);
    }
    // Every claim was given back with its outcome.
    const { rows: left } = await app.db.query(
      `SELECT count(*)::int AS n FROM stripe_events WHERE claim_token IS NOT NULL`,
    );
    expect(left[0].n).toBe(0);
  });

  it('holds no connection while SMTP answers; a second job for the email meanwhile answers in-progress, and the donor gets it once', async () => {
    const to = `slow.smtp.${randomBytes(3).toString('hex')}@example.org`;
    app.mail.holdRecipients(new RegExp(to.replace(/\./g, '\\.')));
    const id = await outboxEmail(to);
    await app.api.get(MailService).enqueue([id]);
    await eventually(async () => app.mail.held() === 1);
    expect(await emailRow(id)).toMatchObject({ status: 'pending', claimed: true });
    const seen = await workerConnections();
    expect({ inTransaction: seen.in_transaction, advisoryLocks: seen.advisory_locks }).toEqual({
      inTransaction: 0,
      advisoryLocks: 0,
    });

    // A second job for the same email (a retry of self-repair, say) while the first sends it.
    await addJob('mail', 'email.send', { emailId: id }, `email-${id}-second`);
    expect(await answerOf('mail', `email-${id}-second`)).toEqual({ answer: 'in-progress' });

    app.mail.holdRecipients(null);
    expect(await answerOf('mail', `email-${id}`)).toEqual({ answer: 'sent' });
    expect(await emailRow(id)).toEqual({
      status: 'sent',
      attempts: 1,
      claim_token: null,
      claimed: false,
    });
    // One message, though two jobs ran.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(app.mail.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
  });

  it("leaves an email another worker holds alone, and takes it over once that worker's claim has run out (the worker died)", async () => {
    const to = `crashed.worker.${randomBytes(3).toString('hex')}@example.org`;
    const otherWorker = randomUUID();
    const id = await outboxEmail(to, { until: `now() + interval '1 hour'`, token: otherWorker });

    // The other worker's claim is alive: the job does nothing, the claim stays.
    await addJob('mail', 'email.send', { emailId: id }, `email-${id}-while-held`);
    expect(await answerOf('mail', `email-${id}-while-held`)).toEqual({ answer: 'in-progress' });
    expect(await emailRow(id)).toEqual({
      status: 'pending',
      attempts: 0,
      claim_token: otherWorker,
      claimed: true,
    });
    expect(app.mail.messages().filter((m) => m.to.includes(to))).toHaveLength(0);

    // That worker died: its lease runs out, and the next job for the email sends it.
    await app.db.query(
      `UPDATE outbound_emails SET claimed_until = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await addJob('mail', 'email.send', { emailId: id }, `email-${id}-after-crash`);
    expect(await answerOf('mail', `email-${id}-after-crash`)).toEqual({ answer: 'sent' });
    await app.mail.waitFor((m) => m.to.includes(to));
    expect(await emailRow(id)).toEqual({
      status: 'sent',
      attempts: 1,
      claim_token: null,
      claimed: false,
    });
    expect(app.mail.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
  });

  it('a job whose claim ran out and was taken over finishes late without overwriting what the new holder recorded', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const gift = await donate(app, slug, { amount: 4200 });
    await settled(app);
    // The first job to read this PaymentIntent waits for Stripe (its answer held).
    proxy.holdNext(`/v1/payment_intents/${gift.paymentIntentId}`);
    await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
    await eventually(async () => proxy.heldOnce, 15_000);
    // The other events of the payment finish; the held job's event stays claimed.
    const slow = await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT id, attempts FROM stripe_events WHERE status = 'pending' AND claimed_until > now()`,
      );
      const { rows: others } = await app.db.query(
        `SELECT count(*)::int AS n FROM stripe_events WHERE status = 'pending' AND claim_token IS NULL`,
      );
      return rows.length === 1 && others[0].n === 0 ? rows[0] : null;
    }, 15_000);

    // It stalls past its lease; another job takes the event over and processes it.
    await app.db.query(
      `UPDATE stripe_events SET claimed_until = now() - interval '1 second' WHERE id = $1`,
      [slow.id],
    );
    await addJob(
      'stripe-events',
      'stripe-event.process',
      { eventId: slow.id },
      `${slow.id}-takeover`,
    );
    expect(await answerOf('stripe-events', `${slow.id}-takeover`)).toEqual({ answer: 'processed' });
    const eventRow = async () =>
      (
        await app.db.query(
          `SELECT status, attempts, processed_at, last_error, claim_token FROM stripe_events WHERE id = $1`,
          [slow.id],
        )
      ).rows[0];
    const recorded = await eventRow();
    expect(recorded).toMatchObject({
      status: 'processed',
      attempts: slow.attempts + 1,
      claim_token: null,
    });

    // The first job's answer comes back: it finishes, and records nothing over the new holder's.
    proxy.release();
    expect(await answerOf('stripe-events', slow.id)).toEqual({ answer: 'in-progress' });
    expect(await eventRow()).toEqual(recorded);
    // Logged (in one process the worker's lines may go to the first app's stream).
    expect(app.logs() + workerLogs.join('')).toContain(
      'outbox claim taken over while the job worked',
    );
    const charges = (await ledger(app, gift.donationId)).filter((e) => e.kind === 'charge');
    expect(charges.map((e) => e.amount)).toEqual([4200]);
    expect((await progress(app, slug)).raised).toBe(4200);
  });
});
