import { dumpDatabase, whereFound } from '../support/database-dump';
import { randomBytes } from 'node:crypto';
import { QueueService } from '../../src/common/queue/queue.service';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, intentOfClientSecret, settled, signIn } from '../support/flows';

const ERASED_ERROR = 'cleared: the donor was erased';

describe('donor safety: erasure reaches every copy, by staff and by the donor', () => {
  let app: TestApp;
  let adminKey: string;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true, env: { RATE_LIMIT_SIGNIN: '50' } });
    adminKey = await app.createKey('admin');
    ({ slug } = await createCampaign(app, adminKey));
  });
  afterAll(() => app?.close());

  const admin = (method: 'get' | 'post', path: string) =>
    app.http[method](path).set('Authorization', `Bearer ${adminKey}`);
  const asDonor = (token: string) => (method: 'get' | 'post' | 'delete', path: string) =>
    app.http[method](path).set('Authorization', `Bearer ${token}`);

  const foundInDatabase = async (needle: string): Promise<string[]> =>
    whereFound(await dumpDatabase(app.db), needle);

  /** Everything under this app's queue prefix in Redis: jobs, their failures, event streams. */
  const dumpRedis = async (): Promise<string> => {
    const redis = app.api.get(QueueService).redis;
    const parts: string[] = [];
    for (const key of await redis.keys(`${app.queuePrefix}:*`)) {
      const type = await redis.type(key);
      if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'string') parts.push((await redis.get(key)) ?? '');
      else if (type === 'list') parts.push((await redis.lrange(key, 0, -1)).join('\n'));
      else if (type === 'zset') parts.push((await redis.zrange(key, 0, -1)).join('\n'));
      else if (type === 'set') parts.push((await redis.smembers(key)).join('\n'));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
    return parts.join('\n');
  };

  const failedJobsOf = async (queue: 'receipts' | 'mail', ids: string[]) => {
    const jobs = await app.api.get(QueueService).queue(queue).getJobs(['failed', 'delayed']);
    return jobs.filter((j) => ids.includes(String(j.data.receiptId ?? j.data.emailId)));
  };

  /** What Stripe itself holds in its events (the copies our inbox received). */
  const stripeEventsText = async () =>
    JSON.stringify((await app.stripe.events.list({ limit: 100 })).data);

  const customerGone = async (customerId: string) => {
    const result = await app.stripe.customers.retrieve(customerId).then(
      (c) => ('deleted' in c && c.deleted ? 'deleted' : 'exists'),
      (e: { code?: string }) => (e.code === 'resource_missing' ? 'deleted' : 'error'),
    );
    return result === 'deleted';
  };

  /** A monthly pledge whose first payment succeeded; returns its id. */
  const activePledge = async (email: string, name: string): Promise<string> => {
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', email, name })
      .expect(201);
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);
    await eventually(async () => {
      const { rows } = await app.db.query(`SELECT status FROM pledges WHERE id = $1`, [
        created.body.pledgeId,
      ]);
      return rows[0]?.status === 'active';
    });
    return created.body.pledgeId;
  };

  /** A paid one-off gift, its details also held by Stripe (a receipt email on the payment). */
  const paidGift = async (email: string, gift: Record<string, unknown>) => {
    const donation = await donate(app, slug, { email, ...gift });
    await app.stripe.paymentIntents.update(donation.paymentIntentId, { receipt_email: email });
    await app.standIn.succeedPaymentIntent(donation.paymentIntentId);
    await settled(app);
    return donation;
  };

  const customersOf = async (donorId: string): Promise<string[]> => {
    const { rows } = await app.db.query(
      `SELECT stripe_customer_id AS id FROM donors WHERE id = $1 AND stripe_customer_id IS NOT NULL
       UNION SELECT stripe_customer_id FROM pledges WHERE donor_id = $1 AND stripe_customer_id IS NOT NULL`,
      [donorId],
    );
    return rows.map((r) => r.id);
  };

  const donorIdOf = async (email: string): Promise<string> =>
    (await admin('get', `/v1/admin/donors?email=${encodeURIComponent(email)}`).expect(200)).body.id;

  it('staff erasure: Stripe customer deleted; no event payload, sending error, job failure or failed job keeps the donor', async () => {
    const tag = randomBytes(4).toString('hex');
    const email = `refused.${tag}@example.org`;
    const name = `Ines Refused ${tag}`;
    const street = `${tag} Resistance Road`;
    const message = `Hold on ${tag}`;
    // Their mail server refuses them, quoting the address: the receipts fail for good.
    app.mail.rejectRecipients(new RegExp(`^${email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i'));

    const pledgeId = await activePledge(email, name);
    const donorId = await donorIdOf(email);
    const customers = await customersOf(donorId);
    expect(customers.length).toBeGreaterThan(0);
    // Stripe learns their name and email (as Checkout or a billing portal would tell it).
    await app.stripe.customers.update(customers[0], { email, name });
    const gift = await paidGift(email, {
      name,
      message,
      address: { line1: street, city: 'Lyon', postalCode: '69001', country: 'FR' },
    });
    await settled(app);

    const receipts = await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT id, send_status, last_error FROM receipts WHERE donor_id = $1 ORDER BY issued_at`,
        [donorId],
      );
      return rows.length === 2 && rows.every((r) => r.send_status === 'failed') && rows;
    }, 20_000);
    for (const r of receipts) expect(r.last_error).toMatch(/550/);
    const receiptIds = receipts.map((r: { id: string }) => r.id);
    expect(await failedJobsOf('receipts', receiptIds)).toHaveLength(2);
    // The job runner recorded each final failure (scrubbed as it was written).
    await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT count(*)::int AS n FROM job_failures WHERE queue = 'receipts' AND job_id = ANY($1)`,
        [receiptIds.map((id: string) => `receipt-${id}`)],
      );
      return rows[0].n === 2;
    }, 20_000);

    // Stripe's copies of the events carry the donor; ours never did (scrubbed at ingest).
    const theirs = await stripeEventsText();
    expect(theirs).toContain(email);
    expect(theirs).toContain(name);
    const { rows: stored } = await app.db.query(
      `SELECT type, object_id, payload::text AS payload FROM stripe_events`,
    );
    expect(stored.map((e) => e.type)).toEqual(
      expect.arrayContaining(['customer.updated', 'payment_intent.succeeded']),
    );
    for (const e of stored) {
      expect(e.payload).not.toContain(email);
      expect(e.payload).not.toContain(name);
    }

    // The export holds what we hold: gifts with their details, stored events, audit rows.
    const refused = await admin('post', `/v1/admin/donors/${donorId}/erase`).expect(409);
    expect(refused.body.message).toContain(pledgeId);
    const exported = (await admin('get', `/v1/admin/donors/${donorId}/export`).expect(200)).body;
    expect(exported.donations).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: gift.donationId, message })]),
    );
    expect(exported.pledges).toEqual([expect.objectContaining({ id: pledgeId, status: 'active' })]);
    const eventObjects = exported.stripeEvents.map((e: { objectId: string }) => e.objectId);
    expect(eventObjects).toEqual(expect.arrayContaining([gift.paymentIntentId, customers[0]]));
    expect(exported.stripeEvents[0]).toEqual(
      expect.objectContaining({ id: expect.stringMatching(/^evt_/), payload: expect.any(Object) }),
    );
    expect(exported.receipts.map((r: { lastError: string }) => r.lastError)).toEqual([
      expect.stringMatching(/550/),
      expect.stringMatching(/550/),
    ]);
    expect(exported.audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'POST /v1/admin/donors/:id/erase',
          target: { id: donorId },
          statusCode: 409,
        }),
      ]),
    );

    await admin('post', `/v1/admin/pledges/${pledgeId}/cancel`).expect(201);
    await settled(app);
    const erased = await admin('post', `/v1/admin/donors/${donorId}/erase`).expect(200);
    expect(erased.body.removed).toMatchObject({
      stripeCustomers: customers.length,
      sendingErrors: 2,
      jobFailures: 2,
    });
    expect(erased.body.removed.queuedJobs).toBeGreaterThanOrEqual(2);
    await settled(app);

    for (const customer of customers) expect(await customerGone(customer)).toBe(true);
    for (const needle of [email, name, street, message]) {
      expect({ needle, foundIn: await foundInDatabase(needle) }).toEqual({ needle, foundIn: [] });
    }
    const { rows: errors } = await app.db.query(
      `SELECT last_error FROM receipts WHERE donor_id = $1`,
      [donorId],
    );
    expect(errors).toEqual([{ last_error: ERASED_ERROR }, { last_error: ERASED_ERROR }]);
    const { rows: failures } = await app.db.query(
      `SELECT error FROM job_failures WHERE job_id = $1`,
      [`receipt-${receiptIds[0]}`],
    );
    expect(failures).toEqual([{ error: ERASED_ERROR }]);
    expect(await failedJobsOf('receipts', receiptIds)).toEqual([]);
    const redis = await dumpRedis();
    expect(redis).not.toContain(email);
    expect(redis).not.toContain(name);
    // Neither reached a log line, though SMTP's refusals quoted the address.
    expect(app.logs()).not.toContain(email);
    expect(app.logs()).not.toContain(name);

    // Audit rows about the donor stay exported after erasure (they hold no personal data).
    const after = (await admin('get', `/v1/admin/donors/${donorId}/export`).expect(200)).body;
    const actions = after.audit.map((a: { action: string; statusCode: number }) => [
      a.action,
      a.statusCode,
    ]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['POST /v1/admin/donors/:id/erase', 409],
        ['POST /v1/admin/pledges/:id/cancel', 201],
        ['POST /v1/admin/donors/:id/erase', 200],
        ['GET /v1/admin/donors/:id/export', 200],
      ]),
    );
    expect(after.stripeEvents.length).toBeGreaterThan(0);
    expect(JSON.stringify(after)).not.toContain(email);
    app.mail.rejectRecipients(null);
  });

  it('donor erasure: export, 400 without confirm, 409 naming a live pledge, then erased with every session', async () => {
    const tag = randomBytes(4).toString('hex');
    const email = `self.${tag}@example.org`;
    const name = `Sami Self ${tag}`;
    const street = `${tag} Harbour Lane`;
    const gift = await paidGift(email, {
      name,
      address: { line1: street, city: 'Oslo', postalCode: '0150', country: 'NO' },
    });
    const pledgeId = await activePledge(email, name);
    const donorId = await donorIdOf(email);
    const customers = await customersOf(donorId);
    expect(customers.length).toBeGreaterThan(0);
    const tokens = [await signIn(app, email), await signIn(app, email)];
    const donor = asDonor(tokens[0]);

    // Staff looked at their data (an audited read): the donor sees that, staff named by role.
    await admin('get', `/v1/admin/donors/${donorId}/export`).expect(200);
    const exported = (await donor('get', '/v1/donor/export').expect(200)).body;
    expect(exported.profile).toMatchObject({ id: donorId, email });
    expect(exported.donations).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: gift.donationId, donorName: name })]),
    );
    expect(exported.pledges).toEqual([expect.objectContaining({ id: pledgeId })]);
    expect(exported.stripeEvents.map((e: { objectId: string }) => e.objectId)).toEqual(
      expect.arrayContaining([gift.paymentIntentId]),
    );
    expect(exported.emails.map((e: { kind: string }) => e.kind)).toContain('sign-in');
    expect(exported.audit).toEqual([
      expect.objectContaining({
        action: 'GET /v1/admin/donors/:id/export',
        target: { id: donorId },
        staffKeyName: 'admin staff',
        role: 'admin',
      }),
    ]);
    expect(JSON.stringify(exported.audit)).not.toContain('test admin');
    await app.http.get('/v1/donor/export').expect(401);

    for (const body of [{}, { confirm: false }, { confirm: 'true' }, { confirm: 1 }]) {
      const res = await donor('post', '/v1/donor/erasure').send(body).expect(400);
      expect(res.body.message).toMatch(/^confirm must be true/);
    }
    const refused = await donor('post', '/v1/donor/erasure').send({ confirm: true }).expect(409);
    expect(refused.body.message).toBe(
      `You have pledges that can still charge: cancel them first (${pledgeId})`,
    );
    expect(await customerGone(customers[0])).toBe(false);

    await donor('post', `/v1/donor/pledges/${pledgeId}/cancel`).expect(201);
    await settled(app);
    const erased = await donor('post', '/v1/donor/erasure').send({ confirm: true }).expect(200);
    expect(erased.body).toEqual({
      id: donorId,
      status: 'erased',
      erasedAt: expect.any(String),
      kept: { donations: 2, receipts: expect.any(Number) },
      removed: expect.objectContaining({
        stripeCustomers: customers.length,
        sessions: 2,
        giftDetails: expect.any(Number),
      }),
    });
    await settled(app);
    for (const token of tokens) {
      await asDonor(token)('get', '/v1/donor/donations').expect(401);
      await asDonor(token)('get', '/v1/donor/export').expect(401);
    }
    for (const customer of customers) expect(await customerGone(customer)).toBe(true);
    for (const needle of [email, name, street]) {
      expect({ needle, foundIn: await foundInDatabase(needle) }).toEqual({ needle, foundIn: [] });
    }
    const redis = await dumpRedis();
    expect(redis).not.toContain(email);
    expect(redis).not.toContain(name);
    expect(app.logs()).not.toContain(email);
    expect(app.logs()).not.toContain(name);
    // No sign-in link for the erased address any more.
    const mails = app.mail.messages().length;
    await app.http.post('/v1/donor/sessions').send({ email }).expect(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      app.mail
        .messages()
        .slice(mails)
        .filter((m) => m.to.includes(email)),
    ).toEqual([]);
  });
});
