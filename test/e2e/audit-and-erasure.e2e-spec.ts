import { dumpDatabase, whereFound } from '../support/database-dump';
import { randomBytes, randomUUID } from 'node:crypto';
import { eventually, startTestApp, TestApp } from '../support/harness';
import {
  createCampaign,
  intentOfClientSecret,
  paidDonation,
  progress,
  settled,
  signIn,
} from '../support/flows';

interface AuditEntry {
  id: string;
  staffKeyId: string | null;
  staffKeyName: string;
  role: string | null;
  action: string;
  target: Record<string, unknown>;
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
  statusCode: number | null;
  occurredAt: string;
}

describe('audit log and donor erasure', () => {
  let app: TestApp;
  let adminKey: string;
  let adminKeyId: string;
  let financeKey: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    const { rows } = await app.db.query(`SELECT id FROM api_keys WHERE name = 'test admin'`);
    adminKeyId = rows[0].id;
  });
  afterAll(() => app?.close());

  const as = (key: string) => (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
    app.http[method](path).set('Authorization', `Bearer ${key}`);
  const admin = (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
    as(adminKey)(method, path);

  const auditEntries = async (query = ''): Promise<AuditEntry[]> =>
    (await admin('get', `/v1/admin/audit?limit=200${query}`).expect(200)).body.data;

  it('records every staff action with its key, action, target and outcome, and nothing personal', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await admin('patch', `/v1/admin/campaigns/${slug}`).send({ title: 'Free them' }).expect(200);
    // A failing action: refused by validation.
    await admin('patch', `/v1/admin/campaigns/${slug}`).send({ goal: 'lots' }).expect(400);
    const created = await admin('post', '/v1/admin/api-keys')
      .send({ name: 'Jane Staffer', role: 'finance' })
      .expect(201);
    const newKey: string = created.body.key;
    await admin('delete', `/v1/admin/api-keys/${created.body.id}`).expect(204);
    await admin('delete', `/v1/admin/api-keys/${created.body.id}`).expect(404);
    const missingReceipt = randomUUID();
    await admin('post', `/v1/admin/receipts/${missingReceipt}/resend`).expect(404);
    await admin('post', '/v1/admin/stripe-events/evt_missing/replay').expect(404);
    // Reads are not actions: not recorded.
    await admin('get', '/v1/admin/api-keys').expect(200);

    const entries = await auditEntries();
    const byAction = (action: string) => entries.filter((e) => e.action === action);
    const common = {
      staffKeyId: adminKeyId,
      staffKeyName: 'test admin',
      role: 'admin',
      occurredAt: expect.any(String),
    };
    expect(byAction('POST /v1/admin/campaigns')).toEqual([
      expect.objectContaining({
        ...common,
        target: {},
        statusCode: 201,
        request: expect.objectContaining({ slug, title: 'Release the seven' }),
      }),
    ]);
    expect(byAction('PATCH /v1/admin/campaigns/:slug')).toEqual([
      expect.objectContaining({
        ...common,
        target: { slug },
        statusCode: 400,
        request: { goal: 'lots' },
        response: { error: expect.stringContaining('goal') },
      }),
      expect.objectContaining({
        ...common,
        target: { slug },
        statusCode: 200,
        request: { title: 'Free them' },
      }),
    ]);
    expect(byAction('POST /v1/admin/api-keys')).toEqual([
      expect.objectContaining({
        ...common,
        target: {},
        statusCode: 201,
        request: { name: '[Redacted]', role: 'finance' },
        response: { id: created.body.id },
      }),
    ]);
    expect(byAction('DELETE /v1/admin/api-keys/:id').map((e) => e.statusCode)).toEqual([404, 204]);
    expect(byAction('DELETE /v1/admin/api-keys/:id')[0].target).toEqual({ id: created.body.id });
    expect(byAction('POST /v1/admin/receipts/:id/resend')).toEqual([
      expect.objectContaining({ ...common, target: { id: missingReceipt }, statusCode: 404 }),
    ]);
    expect(byAction('POST /v1/admin/stripe-events/:id/replay')).toEqual([
      expect.objectContaining({ ...common, target: { id: 'evt_missing' }, statusCode: 404 }),
    ]);
    expect(entries.filter((e) => e.action.startsWith('GET '))).toEqual([]);

    // No key, no key name of the new key, no email anywhere in the stored rows.
    const { rows } = await app.db.query(`SELECT row_to_json(a)::text AS r FROM audit_log a`);
    const stored = rows.map((r) => r.r).join('\n');
    expect(stored).not.toContain(adminKey);
    expect(stored).not.toContain(newKey);
    expect(stored).not.toContain('pbk_');
    expect(stored).not.toContain('Jane Staffer');
    expect(stored).not.toContain('@');

    // Filters and paging.
    const patches = await auditEntries(
      `&action=${encodeURIComponent('PATCH /v1/admin/campaigns/:slug')}`,
    );
    expect(patches.map((e) => e.statusCode)).toEqual([400, 200]);
    expect(await auditEntries(`&keyId=${randomUUID()}`)).toEqual([]);
    expect((await auditEntries(`&keyId=${adminKeyId}`)).length).toBe(entries.length);
    const first = (await admin('get', '/v1/admin/audit?limit=3').expect(200)).body.data;
    const next = (await admin('get', `/v1/admin/audit?limit=200&before=${first[2].id}`).expect(200))
      .body.data;
    expect([...first, ...next].map((e: AuditEntry) => e.id)).toEqual(entries.map((e) => e.id));

    // The log is append-only.
    await expect(app.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(app.db.query(`UPDATE audit_log SET status_code = 200`)).rejects.toThrow(
      /append-only/,
    );
  });

  it('refuses an action it cannot record (503), and does nothing', async () => {
    await app.db.query(`ALTER TABLE audit_log RENAME TO audit_log_away`);
    const slug = `c-${randomBytes(4).toString('hex')}`;
    try {
      const res = await admin('post', '/v1/admin/campaigns')
        .send({ slug, title: 'Unrecorded', goal: { amount: 1000, currency: 'usd' } })
        .expect(503);
      expect(res.body.message).toMatch(/audit log cannot be written/);
    } finally {
      await app.db.query(`ALTER TABLE audit_log_away RENAME TO audit_log`);
    }
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM campaigns WHERE slug = $1`,
      [slug],
    );
    expect(rows[0].n).toBe(0);
  });

  it('keeps its admin routes from finance keys and from anyone without a key', async () => {
    const finance = as(financeKey);
    const id = randomUUID();
    await finance('get', '/v1/admin/audit').expect(403);
    await finance('get', '/v1/admin/donors?email=someone@example.org').expect(403);
    await finance('get', `/v1/admin/donors/${id}/export`).expect(403);
    await finance('post', `/v1/admin/donors/${id}/erase`).expect(403);
    await app.http.get('/v1/admin/audit').expect(401);
    await app.http.post(`/v1/admin/donors/${id}/erase`).expect(401);
  });

  it('answers 404 for an unknown donor or email', async () => {
    const id = randomUUID();
    await admin('get', `/v1/admin/donors/${id}/export`).expect(404);
    await admin('post', `/v1/admin/donors/${id}/erase`).expect(404);
    await admin('get', '/v1/admin/donors/not-a-uuid/export').expect(404);
    await admin('get', '/v1/admin/donors?email=nobody@example.org').expect(404);
    await admin('get', '/v1/admin/donors').expect(400);
  });

  it('erases a donor: personal data gone everywhere, money and receipts untouched', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const tag = randomBytes(4).toString('hex');
    const email = `zelda.${tag}@example.org`;
    const name = `Zelda Quixote ${tag}`;
    const message = `Stay strong ${tag}`;
    const tributeName = `Grandmother ${tag}`;
    const street = `${tag} Liberty Street`;
    const gift = {
      email: `  ${email.toUpperCase()} `,
      name,
      message,
      tribute: { kind: 'in_memory_of', name: tributeName },
      address: { line1: street, city: 'Paris', postalCode: '75001', country: 'FR' },
    };
    const first = await paidDonation(app, slug, { ...gift, amount: 2500 });
    const second = await paidDonation(app, slug, { ...gift, amount: 4000 });
    const other = await paidDonation(app, slug, { amount: 1000, name: 'Someone Else' });

    const donorId: string = (
      await admin(
        'get',
        `/v1/admin/donors?email=${encodeURIComponent(` ${email.toUpperCase()}`)}`,
      ).expect(200)
    ).body.id;
    const receiptsOf = async () =>
      (
        await app.db.query(
          `SELECT number, amount::int, status FROM receipts WHERE donor_id = $1 ORDER BY number`,
          [donorId],
        )
      ).rows;
    const receipts = await eventually(async () => {
      const rows = await receiptsOf();
      return rows.length === 2 && rows;
    });
    // The receipt emails go out; the donor signs in (a session, a sign-in email).
    await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT count(*)::int AS n FROM receipts WHERE donor_id = $1 AND send_status = 'sent'`,
        [donorId],
      );
      return rows[0].n === 2;
    }, 20_000);
    const token = await signIn(app, email);
    await app.http.get('/v1/donor/donations').set('Authorization', `Bearer ${token}`).expect(200);

    const before = await progress(app, slug);
    expect(before).toMatchObject({ raised: 7500, donationCount: 3, donorCount: 2 });
    const ledgerBefore = (
      await app.db.query(
        `SELECT id, kind, amount::int FROM ledger_entries WHERE donation_id = ANY($1) ORDER BY id`,
        [[first.donationId, second.donationId]],
      )
    ).rows;
    expect(ledgerBefore.length).toBeGreaterThan(0);

    // The export holds everything, personal data included.
    const exported = (await admin('get', `/v1/admin/donors/${donorId}/export`).expect(200)).body;
    // The donor row holds the email; names and addresses belong to each gift.
    expect(exported.profile).toMatchObject({ id: donorId, email, erasedAt: null });
    expect(exported.donations).toEqual([
      expect.objectContaining({
        id: first.donationId,
        campaign: slug,
        amount: 2500,
        currency: 'usd',
        status: 'succeeded',
        message,
        donorName: name,
        donorAddress: expect.objectContaining({ line1: street }),
        stripePaymentIntentId: first.paymentIntentId,
        stripeChargeId: first.chargeId,
      }),
      expect.objectContaining({ id: second.donationId, campaign: slug, amount: 4000 }),
    ]);
    expect(exported.receipts.map((r: { number: string }) => r.number).sort()).toEqual(
      receipts.map((r: { number: string }) => r.number),
    );
    expect(exported.receipts[0]).toMatchObject({ amount: expect.any(Number), currency: 'usd' });
    // Receipts are mailed by the receipts sender (their send status is above); the outbox
    // holds the other emails, here the sign-in link.
    expect(exported.emails).toHaveLength(1);
    expect(exported.emails[0]).toEqual({
      kind: 'sign-in',
      toAddress: email,
      subject: expect.any(String),
      status: expect.any(String),
      lastError: null,
      createdAt: expect.any(String),
      sentAt: expect.anything(),
    });
    expect(JSON.stringify(exported.emails)).not.toContain('token');
    expect(exported.sessions).toEqual({ count: 1, active: 1 });
    expect(exported.pledges).toEqual([]);

    const dumpBefore = await dumpDatabase(app.db);
    expect(whereFound(dumpBefore, email)).toEqual(
      expect.arrayContaining(['donors.email', 'outbound_emails.to_address']),
    );
    expect(whereFound(dumpBefore, name)).toContain('donations.donor_name');

    // Erase, twice: the same answer.
    const erased = await admin('post', `/v1/admin/donors/${donorId}/erase`).expect(200);
    expect(erased.body).toEqual({
      id: donorId,
      status: 'erased',
      erasedAt: expect.any(String),
      kept: { donations: 2, receipts: 2 },
      removed: expect.objectContaining({ giftDetails: 2, emails: 1, sessions: 1 }),
    });
    // Again: the same answer, with nothing left to remove.
    const again = await admin('post', `/v1/admin/donors/${donorId}/erase`).expect(200);
    expect(again.body).toEqual({
      ...erased.body,
      removed: {
        stripeCustomers: 0,
        giftDetails: 0,
        emails: 0,
        sendingErrors: 0,
        stripeEvents: 0,
        jobFailures: 0,
        queuedJobs: 0,
        sessions: 0,
        signInTokens: 0,
        emailChanges: 0,
        signatures: 0,
      },
    });

    // Nowhere in the database: not the email, name, message, tribute or address.
    const dump = await dumpDatabase(app.db);
    for (const needle of [email, name, message, tributeName, street]) {
      expect({ needle, foundIn: whereFound(dump, needle) }).toEqual({ needle, foundIn: [] });
    }
    // The other donor is untouched.
    expect(whereFound(dump, 'Someone Else')).toContain('donations.donor_name');

    const { rows: donorRows } = await app.db.query(
      `SELECT email, name, address, erased_at FROM donors WHERE id = $1`,
      [donorId],
    );
    expect(donorRows[0]).toEqual({
      email: null,
      name: null,
      address: null,
      erased_at: new Date(erased.body.erasedAt),
    });
    const { rows: emails } = await app.db.query(
      `SELECT DISTINCT to_address, text_body, html_body FROM outbound_emails WHERE donor_id = $1`,
      [donorId],
    );
    expect(emails).toEqual([{ to_address: 'erased', text_body: null, html_body: null }]);
    const { rows: gone } = await app.db.query(
      `SELECT (SELECT count(*)::int FROM donor_sessions WHERE donor_id = $1) AS sessions,
              (SELECT count(*)::int FROM donor_sign_in_tokens WHERE donor_id = $1) AS tokens`,
      [donorId],
    );
    expect(gone[0]).toEqual({ sessions: 0, tokens: 0 });
    await app.http.get('/v1/donor/donations').set('Authorization', `Bearer ${token}`).expect(401);

    // The money is as it was.
    expect(await progress(app, slug)).toEqual(before);
    expect(await receiptsOf()).toEqual(receipts);
    const ledgerAfter = (
      await app.db.query(
        `SELECT id, kind, amount::int FROM ledger_entries WHERE donation_id = ANY($1) ORDER BY id`,
        [[first.donationId, second.donationId]],
      )
    ).rows;
    expect(ledgerAfter).toEqual(ledgerBefore);
    const { rows: amounts } = await app.db.query(
      `SELECT id, amount::int, status, succeeded_at IS NOT NULL AS paid FROM donations
        WHERE donor_id = $1 ORDER BY amount`,
      [donorId],
    );
    expect(amounts).toEqual([
      { id: first.donationId, amount: 2500, status: 'succeeded', paid: true },
      { id: second.donationId, amount: 4000, status: 'succeeded', paid: true },
    ]);

    // Not in the export, the reports or the public page either.
    const after = await admin('get', `/v1/admin/donors/${donorId}/export`).expect(200);
    expect(after.body.profile).toMatchObject({ email: null, name: null, address: null });
    expect(after.body.donations).toHaveLength(2);
    expect(after.body.receipts).toHaveLength(2);
    expect(after.body.sessions).toEqual({ count: 0, active: 0 });
    const finance = as(financeKey);
    const seen = [
      JSON.stringify(after.body),
      (await finance('get', `/v1/reports/donations?campaign=${slug}`).expect(200)).text,
      (await finance('get', `/v1/reports/donations.csv?campaign=${slug}`).expect(200)).text,
      (await finance('get', `/v1/reports/campaigns?campaign=${slug}`).expect(200)).text,
      (await app.http.get(`/v1/campaigns/${slug}`).expect(200)).text,
    ];
    for (const text of seen) {
      for (const needle of [email, name, message, tributeName, street]) {
        expect(text).not.toContain(needle);
      }
    }
    expect(seen[1]).toContain(other.donationId);
    await admin('get', `/v1/admin/donors?email=${encodeURIComponent(email)}`).expect(404);

    // Erasure and the export are on record, with nothing personal.
    const entries = await auditEntries(`&keyId=${adminKeyId}`);
    expect(
      entries
        .filter((e) => e.action === 'POST /v1/admin/donors/:id/erase' && e.target.id === donorId)
        .map((e) => [e.target, e.statusCode, e.response]),
    ).toEqual([
      [{ id: donorId }, 200, { id: donorId, status: 'erased' }],
      [{ id: donorId }, 200, { id: donorId, status: 'erased' }],
    ]);
    expect(
      entries.filter(
        (e) => e.action === 'GET /v1/admin/donors/:id/export' && e.target.id === donorId,
      ),
    ).toHaveLength(2);
    // The searches by email are reads of personal data: on record, without the email.
    const searches = entries.filter((e) => e.action === 'GET /v1/admin/donors');
    expect(searches.length).toBeGreaterThan(0);
    expect(JSON.stringify(searches)).not.toContain(email);
  });

  it('refuses to erase a donor with an active pledge (409, naming it), then erases once canceled', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = `monthly.${randomBytes(4).toString('hex')}@example.org`;
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', email, name: 'Monthly Giver' })
      .expect(201);
    const { pledgeId } = created.body;
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);
    await eventually(async () => {
      const { rows } = await app.db.query(`SELECT status FROM pledges WHERE id = $1`, [pledgeId]);
      return rows[0]?.status === 'active';
    });
    const donorId: string = (
      await admin('get', `/v1/admin/donors?email=${encodeURIComponent(email)}`).expect(200)
    ).body.id;

    const exported = (await admin('get', `/v1/admin/donors/${donorId}/export`).expect(200)).body;
    expect(exported.pledges).toEqual([
      expect.objectContaining({ id: pledgeId, campaign: slug, status: 'active', amount: 1000 }),
    ]);

    const refused = await admin('post', `/v1/admin/donors/${donorId}/erase`).expect(409);
    expect(refused.body.message).toContain('The donor has active pledges: cancel them first');
    expect(refused.body.message).toContain(pledgeId);
    const { rows } = await app.db.query(`SELECT email, erased_at FROM donors WHERE id = $1`, [
      donorId,
    ]);
    expect(rows[0]).toEqual({ email, erased_at: null });
    const audited = await auditEntries(
      `&action=${encodeURIComponent('POST /v1/admin/donors/:id/erase')}`,
    );
    expect(audited[0]).toMatchObject({ target: { id: donorId }, statusCode: 409 });

    await admin('post', `/v1/admin/pledges/${pledgeId}/cancel`).expect(201);
    await settled(app);
    await admin('post', `/v1/admin/donors/${donorId}/erase`).expect(200);
    const dump = await dumpDatabase(app.db);
    expect(whereFound(dump, email)).toEqual([]);
    expect(whereFound(dump, 'Monthly Giver')).toEqual([]);
  });
});
