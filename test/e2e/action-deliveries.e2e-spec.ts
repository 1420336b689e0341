import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { CaughtMail } from '../support/mail-catcher/mail-catcher';
import { binaryBody } from '../support/binary-body';
import { createCampaign, signIn } from '../support/flows';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { pdftotext } from '../support/pdf-text';

const TARGET = 'wgeid@example.org';

/** The PDF's text as poppler reads it, one line each, blank ones (spacing) left out. */
const pdfLines = async (pdf: Buffer) =>
  (await pdftotext(pdf))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n');

function tokenOf(mail: CaughtMail): string {
  const match = /\/act\/confirm#token=([A-Za-z0-9_-]{43})\b/.exec(mail.text);
  if (!match) throw new Error(`no confirmation link in: ${mail.text}`);
  return match[1];
}

/**
 * Deliveries of an action's signatures to its target: one email with the letter and a PDF of
 * signers, sent once however often its job runs; withdrawn signatures left out; the same
 * Idempotency-Key answers the same delivery; a deliveryCron makes them on its own. And the
 * signatures CSV for staff.
 */
describe('action deliveries, the signatures CSV', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;
  let campaign: { slug: string };
  let redis: IORedis;

  const admin = () => ({ Authorization: `Bearer ${adminKey}` });
  const createAction = async (overrides: Record<string, unknown> = {}) =>
    (
      await app.http
        .post(`/v1/admin/campaigns/${campaign.slug}/actions`)
        .set(admin())
        .send({
          slug: `a-${randomBytes(3).toString('hex')}`,
          title: 'Write to the UN',
          description: 'Seven residents of Camp Ashraf were abducted.',
          target: { name: 'UN Working Group on Enforced Disappearances', email: TARGET },
          letterSubject: 'Free the seven hostages',
          letterBody: 'Dear members of the Working Group,\n\nWe ask you to act for the seven.',
          goal: 100,
          status: 'active',
          ...overrides,
        })
        .expect(201)
    ).body as { id: string; slug: string };
  const signAndConfirm = async (
    actionSlug: string,
    body: {
      name: string;
      email: string;
      country: string;
      comment?: string;
      public?: boolean;
      displayName?: string;
    },
  ) => {
    await app.http
      .post(`/v1/campaigns/${campaign.slug}/actions/${actionSlug}/signatures`)
      .send(body)
      .expect(202);
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(body.email) && /\/act\/confirm#token=/.test(m.text),
      15_000,
    );
    await app.http
      .post('/v1/signatures/confirm')
      .send({ token: tokenOf(mail) })
      .expect(200);
  };
  const deliver = (actionId: string, body: Record<string, unknown> = {}, key?: string) => {
    const req = app.http.post(`/v1/admin/actions/${actionId}/deliveries`).set(admin());
    if (key) void req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const deliveries = async (actionId: string) =>
    (await app.http.get(`/v1/admin/actions/${actionId}/deliveries`).set(admin()).expect(200)).body
      .data as Record<string, unknown>[];
  const deliveryMails = (id: string) =>
    app.mail.messages().filter((m) => m.messageId === `<action-delivery-${id}@localhost>`);
  const sent = (actionId: string, id: string) =>
    eventually(async () => {
      const found = (await deliveries(actionId)).find((d) => d.id === id);
      return found?.status === 'sent' ? found : undefined;
    }, 20_000);

  beforeAll(async () => {
    app = await startTestApp({
      worker: true,
      env: {
        RATE_LIMIT_DONATIONS: '1000',
        RATE_LIMIT_SIGNIN: '50',
        ORGANIZATION_NAME: 'Ashraf Campaign',
        ACTION_DELIVERY_CHECK_SCHEDULE: '1s',
      },
    });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    campaign = await createCampaign(app, adminKey, { title: 'Free the seven' });
    redis = new IORedis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    app?.mail.refuse(null);
    redis?.disconnect();
    await app?.close();
  });

  it('emails the target once, with the letter, the count and a PDF of names, countries and comments (no emails), though its job is retried and run twice', async () => {
    const action = await createAction();
    const signers = [
      {
        name: 'Maryam Rezaei',
        email: 'maryam.d@example.org',
        country: 'IR',
        comment: 'Free them now',
      },
      { name: 'مریم رضایی', email: 'persian.d@example.org', country: 'IQ', comment: 'آزادی' },
      { name: 'Jean Dupont', email: 'jean.d@example.org', country: 'FR' },
    ];
    for (const s of signers) await signAndConfirm(action.slug, s);

    // SMTP refuses for a while: the job fails and is retried by BullMQ.
    app.mail.refuse(451);
    const res = await deliver(action.id, { note: 'Ahead of your December session.' }).expect(202);
    expect(res.body).toEqual({
      id: expect.any(String),
      status: 'pending',
      signatures: 3,
      letterVersion: 1,
      confirmedFrom: expect.any(String),
      confirmedTo: expect.any(String),
      note: 'Ahead of your December session.',
      trigger: 'staff',
      lastError: null,
      createdAt: expect.any(String),
      sentAt: null,
    });
    const id = res.body.id as string;
    await eventually(async () => {
      const { rows } = await app.db.query(`SELECT attempts FROM action_deliveries WHERE id = $1`, [
        id,
      ]);
      return rows[0].attempts >= 1;
    }, 15_000);
    expect(deliveryMails(id)).toHaveLength(0);
    // Staff change the action's target meanwhile: this delivery still goes to the addressee
    // it was made for (the signers were shown that one).
    await app.http
      .patch(`/v1/admin/actions/${action.id}`)
      .set(admin())
      .send({ target: { name: 'Someone else', email: 'someone.else@example.org' } })
      .expect(200);
    app.mail.refuse(null);
    const delivered = await sent(action.id, id);
    expect(delivered).toMatchObject({ signatures: 3, sentAt: expect.any(String) });

    // Another job for the same delivery (a retry of self-repair, a second worker) sends nothing.
    const queue = new Queue('mail', { connection: redis, prefix: app.queuePrefix });
    await queue.add('action-delivery.send', { deliveryId: id }, { jobId: `again-${id}` });
    await eventually(async () => (await queue.getJob(`again-${id}`))?.isCompleted(), 15_000);
    expect((await queue.getJob(`again-${id}`))!.returnvalue).toBe('sent');
    await queue.close();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const mails = deliveryMails(id);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail.to).toEqual([TARGET]);
    expect(app.mail.messages().some((m) => m.to.includes('someone.else@example.org'))).toBe(false);
    expect(mail.subject).toBe('Free the seven hostages');
    expect(mail.text).toContain('Ahead of your December session.');
    expect(mail.text).toContain('We ask you to act for the seven.');
    expect(mail.text).toContain('3 signatures in this delivery');
    for (const s of signers) {
      expect(mail.text).not.toContain(s.email);
      expect(mail.text).not.toContain(s.name);
    }
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0].contentType).toBe('application/pdf');
    const text = await pdfLines(mail.attachments[0].content);
    expect(text).toContain('Signatures: Write to the UN');
    expect(text).toContain('To: UN Working Group on Enforced Disappearances');
    expect(text).toContain('Signatures in this delivery: 3');
    expect(text).toContain(
      [
        'Signatures in this delivery: 3',
        '1. Maryam Rezaei',
        'Country: Iran (IR)',
        'Comment: Free them now',
        '2. مریم رضایی',
        'Country: Iraq (IQ)',
        'Comment: آزادی',
        '3. Jean Dupont',
        'Country: France (FR)',
      ].join('\n'),
    );
    expect(text).not.toMatch(/@/);
  });

  it('sends once when a second job runs while SMTP answers slowly, and when a dead worker’s claim runs out', async () => {
    const slowTarget = `slow.${randomBytes(3).toString('hex')}@example.org`;
    const action = await createAction({ target: { name: 'Slow office', email: slowTarget } });
    await signAndConfirm(action.slug, {
      name: 'Held Signer',
      email: 'held@example.org',
      country: 'PT',
    });
    app.mail.holdRecipients(new RegExp(slowTarget.replace(/\./g, '\\.')));
    const queue = new Queue('mail', { connection: redis, prefix: app.queuePrefix });
    const answer = (jobId: string) =>
      eventually(async () => {
        const job = await queue.getJob(jobId);
        if (!job || !(await job.isCompleted())) return null;
        // Read again: the first read may predate the completion (its returnvalue still null).
        return { answer: (await queue.getJob(jobId))!.returnvalue as string };
      }, 20_000);
    try {
      const { id } = (await deliver(action.id).expect(202)).body;
      await eventually(async () => app.mail.held() === 1, 15_000);
      // A second job while the first one waits on SMTP: it leaves the delivery to the first.
      await queue.add('action-delivery.send', { deliveryId: id }, { jobId: `second-${id}` });
      expect(await answer(`second-${id}`)).toEqual({ answer: 'in-progress' });
      app.mail.holdRecipients(null);
      expect(await answer(`action-delivery-${id}`)).toEqual({ answer: 'sent' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(deliveryMails(id)).toHaveLength(1);

      // A delivery a worker claimed and then died with (its lease still running): left alone;
      // once the lease has run out, the next job (BullMQ's rerun of the stalled one) sends it.
      await signAndConfirm(action.slug, {
        name: 'Second Signer',
        email: 'held2@example.org',
        country: 'PT',
      });
      app.mail.refuse(451);
      const next = (await deliver(action.id).expect(202)).body.id as string;
      await eventually(async () => {
        const { rows } = await app.db.query(
          `SELECT attempts FROM action_deliveries WHERE id = $1`,
          [next],
        );
        return rows[0].attempts >= 1;
      }, 15_000);
      await app.db.query(
        `UPDATE action_deliveries SET claimed_until = now() + interval '1 hour', claim_token = gen_random_uuid()
          WHERE id = $1`,
        [next],
      );
      app.mail.refuse(null);
      await queue.add('action-delivery.send', { deliveryId: next }, { jobId: `held-${next}` });
      expect(await answer(`held-${next}`)).toEqual({ answer: 'in-progress' });
      expect(deliveryMails(next)).toHaveLength(0);
      await app.db.query(
        `UPDATE action_deliveries SET claimed_until = now() - interval '1 second' WHERE id = $1`,
        [next],
      );
      await queue.add('action-delivery.send', { deliveryId: next }, { jobId: `rerun-${next}` });
      expect(await answer(`rerun-${next}`)).toEqual({ answer: 'sent' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(deliveryMails(next)).toHaveLength(1);
    } finally {
      app.mail.holdRecipients(null);
      app.mail.refuse(null);
      await queue.close();
    }
  });

  it('leaves a withdrawn signature out of the next delivery, and refuses a delivery with nothing new (409)', async () => {
    const action = await createAction();
    await signAndConfirm(action.slug, {
      name: 'First One',
      email: 'first.w@example.org',
      country: 'DE',
    });
    const first = (await deliver(action.id).expect(202)).body;
    await sent(action.id, first.id);

    const nothing = await deliver(action.id).expect(409);
    expect(nothing.body).toMatchObject({ code: 'nothing_to_deliver' });

    await signAndConfirm(action.slug, {
      name: 'Stays Signed',
      email: 'stays.w@example.org',
      country: 'NL',
    });
    const leaving = 'leaves.w@example.org';
    await signAndConfirm(action.slug, { name: 'Changed Mind', email: leaving, country: 'BE' });
    const token = await signIn(app, leaving);
    const mine = await app.http
      .get('/v1/donor/signatures')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    await app.http
      .post(`/v1/donor/signatures/${mine.body.data[0].id}/withdraw`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);

    const second = (await deliver(action.id).expect(202)).body;
    expect(second.signatures).toBe(1);
    await sent(action.id, second.id);
    const [mail] = deliveryMails(second.id);
    const text = await pdfLines(mail.attachments[0].content);
    expect(text).toContain('1. Stays Signed\nCountry: Netherlands (NL)');
    expect(text).not.toContain('Changed Mind');
    expect(text).not.toContain('First One');
    expect((await deliveries(action.id)).map((d) => [d.id, d.signatures])).toEqual([
      [second.id, 1],
      [first.id, 1],
    ]);

    // Erasing a signer a sent delivery carried: their signature goes, the delivery's record stays.
    const donor = await app.http
      .get('/v1/admin/donors')
      .query({ email: 'stays.w@example.org' })
      .set(admin())
      .expect(200);
    await app.http.post(`/v1/admin/donors/${donor.body.id}/erase`).set(admin()).expect(200);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM action_delivery_signatures WHERE delivery_id = $1`,
      [second.id],
    );
    expect(rows[0].n).toBe(0);
    expect((await deliveries(action.id)).map((d) => [d.id, d.status, d.signatures])).toEqual([
      [second.id, 'sent', 1],
      [first.id, 'sent', 1],
    ]);
  });

  it('answers the same delivery for the same Idempotency-Key; another body under it is a 409', async () => {
    const action = await createAction();
    await signAndConfirm(action.slug, { name: 'Keyed', email: 'keyed@example.org', country: 'GB' });
    const key = `delivery-${randomBytes(4).toString('hex')}`;
    const a = (await deliver(action.id, { note: 'One' }, key).expect(202)).body;
    const b = (await deliver(action.id, { note: 'One' }, key).expect(202)).body;
    expect(b.id).toBe(a.id);
    const other = await deliver(action.id, { note: 'Two' }, key).expect(409);
    expect(other.body).toMatchObject({ code: 'idempotency_conflict' });
    await sent(action.id, a.id);
    expect(await deliveries(action.id)).toHaveLength(1);
    expect(deliveryMails(a.id)).toHaveLength(1);

    // Unknown actions, bad ids and bad notes are named.
    await deliver('00000000-0000-4000-8000-000000000000').expect(404);
    await deliver('not-an-id').expect(404);
    const long = await deliver(action.id, { note: 'x'.repeat(1001) }).expect(400);
    expect(long.body.errors).toEqual([expect.objectContaining({ field: 'note' })]);
    // Finance may not send.
    await app.http
      .post(`/v1/admin/actions/${action.id}/deliveries`)
      .set('Authorization', `Bearer ${financeKey}`)
      .send({})
      .expect(403);
  });

  it('makes deliveries on the action’s deliveryCron; refuses a cron BullMQ could not run', async () => {
    const bad = await app.http
      .post(`/v1/admin/campaigns/${campaign.slug}/actions`)
      .set(admin())
      .send({
        slug: 'bad-cron',
        title: 'x',
        target: { name: 'x', email: TARGET },
        letterSubject: 'x',
        letterBody: 'x',
        goal: 1,
        deliveryCron: '61 * * * *',
      })
      .expect(400);
    expect(bad.body.errors).toEqual([
      expect.objectContaining({ field: 'deliveryCron', code: 'invalid_format' }),
    ]);

    const action = await createAction({ deliveryCron: '*/2 * * * * *' });
    await signAndConfirm(action.slug, {
      name: 'Scheduled Signer',
      email: 'sched@example.org',
      country: 'CA',
    });
    const made = await eventually(async () => {
      const list = await deliveries(action.id);
      return list.length && list[0].status === 'sent' ? list : undefined;
    }, 20_000);
    expect(made).toEqual([
      expect.objectContaining({ trigger: 'schedule', signatures: 1, status: 'sent' }),
    ]);
    const text = await pdfLines(deliveryMails(made[0].id as string)[0].attachments[0].content);
    expect(text).toContain('1. Scheduled Signer\nCountry: Canada (CA)');
    // Later checks find nothing new: no empty delivery is made or sent.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await deliveries(action.id)).toHaveLength(1);
  });

  it('exports confirmed and withdrawn signatures as formula-safe CSV for admins, audited, with no emails; withdrawal keeps only what a delivery carried', async () => {
    const action = await createAction();
    const withdraw = async (email: string) => {
      const token = await signIn(app, email);
      const mine = await app.http
        .get('/v1/donor/signatures')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      const id = mine.body.data.find((x: { actionSlug: string }) => x.actionSlug === action.slug)
        .id as string;
      await app.http
        .post(`/v1/donor/signatures/${id}/withdraw`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      return id;
    };
    const stored = async (id: string) =>
      (
        await app.db.query(
          `SELECT name, country, comment, display_name FROM signatures WHERE id = $1`,
          [id],
        )
      ).rows[0];
    // Delivered to the target, then withdrawn: the name and country sent are kept, not the rest.
    const delivered = 'csv.delivered@example.org';
    await signAndConfirm(action.slug, {
      name: 'Sent Before',
      email: delivered,
      country: 'DE',
      comment: 'Sent along',
      public: true,
      displayName: 'S.',
    });
    const made = (await deliver(action.id).expect(202)).body;
    await sent(action.id, made.id);
    const deliveredId = await withdraw(delivered);
    expect(await stored(deliveredId)).toEqual({
      name: 'Sent Before',
      country: 'DE',
      comment: null,
      display_name: null,
    });
    await signAndConfirm(action.slug, {
      name: '=HYPERLINK("http://evil.example","click")',
      email: 'formula@example.org',
      country: 'US',
      comment: '+1 555 call me',
    });
    // Never delivered, then withdrawn: no name, comment or display name is kept.
    const leaving = 'csv.leaves@example.org';
    await signAndConfirm(action.slug, {
      name: 'Leila Ahmadi',
      email: leaving,
      country: 'IR',
      comment: 'My brother is one of them',
      public: true,
      displayName: 'Leila A.',
    });
    const leftId = await withdraw(leaving);
    expect(await stored(leftId)).toEqual({
      name: '',
      country: 'IR',
      comment: null,
      display_name: null,
    });
    // Signed, never confirmed: not exported.
    await app.http
      .post(`/v1/campaigns/${campaign.slug}/actions/${action.slug}/signatures`)
      .send({ name: 'Never Confirmed', email: 'never.csv@example.org', country: 'FR' })
      .expect(202);

    // Admins only: finance reads money, not signers.
    const refused = await app.http
      .get(`/v1/admin/actions/${action.id}/signatures.csv`)
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(403);
    expect(refused.body.code).toBe('forbidden');
    const res = await app.http
      .get(`/v1/admin/actions/${action.id}/signatures.csv`)
      .set(admin())
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="signatures-${campaign.slug}-${action.slug}.csv"`,
    );
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body.toString('utf8')).not.toMatch(/@example\.org|Leila|brother|Sent|S\./);
    const rows: Record<string, string>[] = parse(body, { bom: true, columns: true });
    expect(Object.keys(rows[0])).toEqual([
      'signature_id',
      'status',
      'name',
      'country',
      'comment',
      'public',
      'display_name',
      'letter_version',
      'confirmed_on',
      'withdrawn_on',
    ]);
    expect(rows.map((r) => [r.status, r.name, r.country, r.comment, r.display_name])).toEqual([
      ['withdrawn', '(withdrawn)', '', '', ''],
      ['confirmed', `'=HYPERLINK("http://evil.example","click")`, 'US', `'+1 555 call me`, ''],
      ['withdrawn', '(withdrawn)', '', '', ''],
    ]);
    expect(rows[1].confirmed_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(rows[2].withdrawn_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // The audit row is completed once the stream has ended, which may be just after the
    // client has read the last byte.
    const audit = await eventually(async () => {
      const { rows: found } = await app.db.query(
        `SELECT staff_key_name, role, response FROM audit_log
          WHERE action LIKE '%signatures.csv' AND target->>'id' = $1`,
        [action.id],
      );
      return found.length && found.every((r) => r.response !== null) ? found : undefined;
    });
    expect(audit).toEqual([
      expect.objectContaining({ role: 'admin', response: { rows: 3, complete: true } }),
    ]);
    await app.http.get(`/v1/admin/actions/${action.id}/signatures.csv`).expect(401);
    await app.http
      .get(`/v1/admin/actions/00000000-0000-4000-8000-000000000000/signatures.csv`)
      .set(admin())
      .expect(404);
  });
  it('reports signatures confirmed per day per action (metric=signatures), and per campaign and action', async () => {
    const own = await createCampaign(app, adminKey, { title: 'Counted campaign' });
    const previous = campaign;
    campaign = own;
    try {
      const a = await createAction({ slug: 'letter-a' });
      const b = await createAction({ slug: 'letter-b' });
      await createAction({ slug: 'letter-draft', status: 'draft' });
      await signAndConfirm(a.slug, { name: 'A One', email: 'a1.r@example.org', country: 'FR' });
      await signAndConfirm(a.slug, { name: 'A Two', email: 'a2.r@example.org', country: 'FR' });
      await signAndConfirm(b.slug, { name: 'B One', email: 'b1.r@example.org', country: 'FR' });
      const gone = 'b2.r@example.org';
      await signAndConfirm(b.slug, { name: 'B Gone', email: gone, country: 'FR' });
      const token = await signIn(app, gone);
      const mine = await app.http
        .get('/v1/donor/signatures')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      await app.http
        .post(`/v1/donor/signatures/${mine.body.data[0].id}/withdraw`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      // Pending, never confirmed: not counted.
      await app.http
        .post(`/v1/campaigns/${own.slug}/actions/${a.slug}/signatures`)
        .send({ name: 'Pending', email: 'pending.r@example.org', country: 'FR' })
        .expect(202);

      const today = new Date().toISOString().slice(0, 10);
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const finance = { Authorization: `Bearer ${financeKey}` };
      const series = await app.http
        .get('/v1/reports/timeseries')
        .query({ campaign: own.slug, metric: 'signatures', from: yesterday, to: today })
        .set(finance)
        .expect(200);
      expect(series.body).toMatchObject({ campaign: own.slug, metric: 'signatures' });
      expect(series.body.buckets).toEqual([
        {
          start: yesterday,
          totals: [],
          signatures: [
            { action: 'letter-a', signatures: 0 },
            { action: 'letter-b', signatures: 0 },
          ],
        },
        {
          start: today,
          totals: [],
          signatures: [
            { action: 'letter-a', signatures: 2 },
            { action: 'letter-b', signatures: 1 },
          ],
        },
      ]);
      // Money stays the default.
      const money = await app.http
        .get('/v1/reports/timeseries')
        .query({ campaign: own.slug, from: today, to: today })
        .set(finance)
        .expect(200);
      expect(money.body.metric).toBe('money');
      expect(money.body.buckets[0].totals).toEqual([
        { currency: 'usd', gross: 0, net: 0, donationCount: 0 },
      ]);
      expect(money.body.buckets[0].signatures).toBeUndefined();
      const bad = await app.http
        .get('/v1/reports/timeseries')
        .query({ campaign: own.slug, metric: 'letters' })
        .set(finance)
        .expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'metric' })]);

      const report = await app.http
        .get('/v1/reports/campaigns')
        .query({ campaign: own.slug, from: today, to: today })
        .set(finance)
        .expect(200);
      expect(report.body.data).toEqual([
        expect.objectContaining({
          campaign: own.slug,
          signatures: 3,
          actions: [
            { action: 'letter-a', title: 'Write to the UN', signatures: 2, totalSignatures: 2 },
            { action: 'letter-b', title: 'Write to the UN', signatures: 1, totalSignatures: 1 },
          ],
        }),
      ]);
      const before = await app.http
        .get('/v1/reports/campaigns')
        .query({ campaign: own.slug, from: yesterday, to: yesterday })
        .set(finance)
        .expect(200);
      expect(before.body.data[0]).toMatchObject({
        signatures: 0,
        actions: [
          expect.objectContaining({ signatures: 0, totalSignatures: 2 }),
          expect.objectContaining({ signatures: 0, totalSignatures: 1 }),
        ],
      });
    } finally {
      campaign = previous;
    }
  });
});
