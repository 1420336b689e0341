import { createHash } from 'node:crypto';
import { binaryBody } from '../support/binary-body';
import {
  createCampaign,
  donate,
  intentOfClientSecret,
  paidDonation,
  settled,
  signIn,
} from '../support/flows';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { CaughtMail } from '../support/mail-catcher/mail-catcher';
import { pdfText } from '../support/pdf-text';

const INVALID_LINK = 'The email change link is invalid, used, replaced by a newer one or expired';
const sha256 = (value: string) => createHash('sha256').update(value).digest();

function changeTokenOf(mail: CaughtMail): string {
  const match = /\/donor\/email#token=([A-Za-z0-9_-]{43})\b/.exec(mail.text ?? '');
  if (!match) throw new Error(`no email change link in: ${mail.text}`);
  return match[1];
}

describe('the donor’s own profile', () => {
  let app: TestApp;
  let adminKey: string;
  let slug: string;
  const seen = new Set<string>();

  beforeAll(async () => {
    app = await startTestApp({
      worker: true,
      env: { RATE_LIMIT_DONATIONS: '1000', RATE_LIMIT_SIGNIN: '50' },
    });
    adminKey = await app.createKey('admin');
    slug = (await createCampaign(app, adminKey)).slug;
  });
  afterAll(() => app?.close());

  const as = (token: string) => ({
    get: (path: string) => app.http.get(path).set('Authorization', `Bearer ${token}`),
    patch: (path: string, body: unknown) =>
      app.http
        .patch(path)
        .set('Authorization', `Bearer ${token}`)
        .send(body as object),
    post: (path: string, body: unknown = {}) =>
      app.http
        .post(path)
        .set('Authorization', `Bearer ${token}`)
        .send(body as object),
    delete: (path: string) => app.http.delete(path).set('Authorization', `Bearer ${token}`),
  });
  const confirm = (token: unknown) =>
    app.http.post('/v1/donor/email-changes/confirm').send({ token });
  /** The next mail to `to` whose subject matches, not seen yet by this file. */
  const nextMail = async (to: string, subject: RegExp) => {
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(to) && subject.test(m.subject) && !seen.has(m.id),
      15_000,
    );
    seen.add(mail.id);
    return mail;
  };
  /** Mails caught so far are not the next ones. */
  const markSeen = () => app.mail.messages().forEach((m) => seen.add(m.id));
  const donorRow = async (email: string) =>
    (await app.db.query(`SELECT id, email, name, address FROM donors WHERE email = $1`, [email]))
      .rows[0];
  /** The receipt of a donation once it is numbered and mailed, with its PDF's text. */
  const receiptOf = async (donationId: string) => {
    const receipt = await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT id, number FROM receipts WHERE donation_id = $1 AND number IS NOT NULL`,
        [donationId],
      );
      return rows[0] as { id: string; number: string } | undefined;
    }, 15_000);
    const mail = await app.mail.waitFor((m) => m.subject === `Your receipt ${receipt.number}`);
    return { ...receipt, pdf: await pdfText(mail.attachments[0].content) };
  };
  const pdfOf = async (token: string, path: string) => {
    const res = await as(token).get(path).buffer(true).parse(binaryBody).expect(200);
    return pdfText(res.body as Buffer);
  };

  it('a name and address change: the pledge’s next installment is receipted with them, earlier receipts keep theirs', async () => {
    const email = 'monthly.profile@example.org';
    const oldAddress = { line1: '1 Old Road', city: 'Lyon', postalCode: '69001', country: 'FR' };
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({
        amount: 1000,
        currency: 'usd',
        interval: 'month',
        email,
        name: 'Old Name',
        address: oldAddress,
      })
      .expect(201);
    const { pledgeId, subscriptionId } = created.body;
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);
    // A one-off gift still waiting for its payment, and a pledge already canceled.
    const pending = await donate(app, slug, { email, name: 'Pending Gift Name' });
    const ended = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 500, currency: 'usd', interval: 'month', email, name: 'Ended Name' })
      .expect(201);
    const installment = async (n: number) =>
      (
        await app.db.query(
          `SELECT id FROM donations WHERE pledge_id = $1 AND status = 'succeeded' ORDER BY created_at OFFSET $2 LIMIT 1`,
          [pledgeId, n],
        )
      ).rows[0].id as string;
    const first = await receiptOf(await installment(0));
    expect(first.pdf).toContain('Received from: Old Name');

    const token = await signIn(app, email);
    const before = await as(token).get('/v1/donor/profile').expect(200);
    // A donor row holds no name until the donor sets one: each gift has its own.
    expect(before.body).toEqual({
      email,
      name: null,
      address: null,
      pendingEmail: null,
      pendingEmailExpiresAt: null,
    });
    // (never paid: canceled as Stripe would once its first invoice is abandoned)
    await app.db.query(`UPDATE pledges SET status = 'canceled' WHERE id = $1`, [
      ended.body.pledgeId,
    ]);

    const newAddress = {
      line1: ' 2 New Street ',
      city: 'Paris',
      postalCode: '75002',
      country: 'fr',
    };
    const changed = await as(token)
      .patch('/v1/donor/profile', { name: '  New Name ', address: newAddress })
      .expect(200);
    expect(changed.body).toEqual({
      email,
      name: 'New Name',
      address: { line1: '2 New Street', city: 'Paris', postalCode: '75002', country: 'FR' },
      pendingEmail: null,
      pendingEmailExpiresAt: null,
    });

    await app.standIn.renewSubscription(subscriptionId, { outcome: 'succeed' });
    await settled(app);
    const second = await receiptOf(await installment(1));
    expect(second.pdf).toContain('Received from: New Name');
    expect(second.pdf).toContain('2 New Street');
    expect(second.pdf).not.toContain('Old Name');
    // The receipt issued before, downloaded now, is what it was.
    const firstAgain = await pdfOf(token, `/v1/donor/receipts/${first.id}/pdf`);
    expect(firstAgain).toContain('Received from: Old Name');
    expect(firstAgain).toContain('1 Old Road');
    expect(firstAgain).not.toContain('New Name');

    // The pending one-off gift and the canceled pledge keep the names they were given with.
    const kept = await app.db.query(
      `SELECT (SELECT donor_name FROM donations WHERE id = $1) AS gift,
              (SELECT donor_name FROM pledges WHERE id = $2) AS ended`,
      [pending.donationId, ended.body.pledgeId],
    );
    expect(kept.rows[0]).toEqual({ gift: 'Pending Gift Name', ended: 'Ended Name' });

    // null clears: the next installments carry no name, the address stays.
    const cleared = await as(token).patch('/v1/donor/profile', { name: null }).expect(200);
    expect(cleared.body).toMatchObject({ name: null, address: { line1: '2 New Street' } });
    const pledge = await app.db.query(
      `SELECT donor_name, donor_address->>'line1' AS line1 FROM pledges WHERE id = $1`,
      [pledgeId],
    );
    expect(pledge.rows[0]).toEqual({ donor_name: null, line1: '2 New Street' });
    // Names and addresses never reach a log line.
    expect(app.logs()).not.toMatch(/New Name|2 New Street/);
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const email = 'validating.donor@example.org';
    await paidDonation(app, slug, { email, name: 'Valid Name' });
    const token = await signIn(app, email);
    const cases: [unknown, string, RegExp][] = [
      [{}, 'name', /send name, address, email/],
      [{ name: '' }, 'name', /name must be 1 to 200 characters/],
      [{ name: 12 }, 'name', /name must be a string/],
      [
        { name: 'A', address: { line1: 'x', postalCode: '1', country: 'FR' } },
        'address.city',
        /city/,
      ],
      [
        { name: 'A', address: { line1: 'x', city: 'y', postalCode: '1', country: 'France' } },
        'address.country',
        /two-letter/,
      ],
      [{ name: 'A', email: 'not-an-email' }, 'email', /email must be a valid email address/],
      [{ name: 'A', email: null }, 'email', /email must be a valid email address/],
      [{ name: 'A', stripeCustomerId: 'cus_x' }, 'stripeCustomerId', /should not exist/],
      [{ email: ' VALIDATING.donor@example.org ' }, 'email', /already your email address/],
    ];
    for (const [body, field, message] of cases) {
      const res = await as(token).patch('/v1/donor/profile', body).expect(400);
      expect({ body, code: res.body.code }).toEqual({ body, code: 'validation_failed' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(res.body.message).toMatch(message);
    }
    const same = await as(token).patch('/v1/donor/profile', { email }).expect(400);
    expect(same.body.errors).toEqual([
      { field: 'email', code: 'unchanged', message: 'email is already your email address' },
    ]);
    expect(await donorRow(email)).toMatchObject({ name: null, address: null });
    await app.http.get('/v1/donor/profile').expect(401);
    await app.http.patch('/v1/donor/profile').send({ name: 'X' }).expect(401);
  });

  it('changes the email only once the new address confirms: the old one signs in until then, and is told after', async () => {
    const oldEmail = 'moving.donor@example.org';
    const newEmail = 'moved.donor@example.net';
    await paidDonation(app, slug, { email: oldEmail, name: 'Moving Donor' });
    const donorId = (await donorRow(oldEmail)).id;
    const token = await signIn(app, oldEmail);

    // A first request, then a newer one: only the newer link works.
    await as(token).patch('/v1/donor/profile', { email: 'first.try@example.net' }).expect(200);
    const firstLink = changeTokenOf(
      await nextMail('first.try@example.net', /Confirm your new email/),
    );
    const asked = await as(token)
      .patch('/v1/donor/profile', { email: ' Moved.Donor@Example.NET ' })
      .expect(200);
    expect(asked.body).toMatchObject({ email: oldEmail, pendingEmail: newEmail });
    const ttl = new Date(asked.body.pendingEmailExpiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(55 * 60_000);
    expect(ttl).toBeLessThanOrEqual(60 * 60_000);
    const linkMail = await nextMail(newEmail, /Confirm your new email/);
    expect(linkMail.text).toContain('http://localhost:3000/donor/email#token=');
    const link = changeTokenOf(linkMail);
    expect((await confirm(firstLink).expect(400)).body).toMatchObject({
      code: 'invalid_token',
      message: INVALID_LINK,
    });
    // Only the link's hash is stored, and the email's body goes once it is sent.
    const { rows: stored } = await app.db.query(
      `SELECT new_email, token_hash FROM donor_email_changes WHERE donor_id = $1`,
      [donorId],
    );
    expect(stored).toEqual([{ new_email: newEmail, token_hash: sha256(link) }]);
    await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT text_body FROM outbound_emails WHERE kind = 'email-change' AND to_address = $1 AND status = 'sent'`,
        [newEmail],
      );
      return rows.length === 1 && rows[0].text_body === null;
    });

    // Until confirmed nothing changes: the old address still signs in, the new one does not.
    expect((await donorRow(oldEmail)).id).toBe(donorId);
    const stillOld = await signIn(app, oldEmail);
    await as(stillOld).get('/v1/donor/profile').expect(200);
    await app.http.post('/v1/donor/sessions').send({ email: newEmail }).expect(202);
    // A sign-in link mailed to the old address, not used before the change.
    markSeen();
    await app.http.post('/v1/donor/sessions').send({ email: oldEmail }).expect(202);
    const oldLink = /sign-in#token=([A-Za-z0-9_-]{43})/.exec(
      (await nextMail(oldEmail, /sign-in link/i)).text ?? '',
    )![1];

    // Wrong, then expired.
    expect((await confirm('x'.repeat(43)).expect(400)).body.code).toBe('invalid_token');
    expect((await confirm('').expect(400)).body.code).toBe('validation_failed');
    await app.db.query(
      `UPDATE donor_email_changes SET expires_at = now() - interval '1 second' WHERE donor_id = $1`,
      [donorId],
    );
    expect((await confirm(link).expect(400)).body.message).toBe(INVALID_LINK);
    await app.db.query(
      `UPDATE donor_email_changes SET expires_at = now() + interval '1 hour' WHERE donor_id = $1`,
      [donorId],
    );

    const confirmed = await confirm(link).expect(200);
    expect(confirmed.body).toEqual({
      email: newEmail,
      message: 'Your email address is changed. Sign in again with it.',
    });
    expect((await confirm(link).expect(400)).body.code).toBe('invalid_token');
    expect(await donorRow(newEmail)).toMatchObject({ id: donorId });
    expect(await donorRow(oldEmail)).toBeUndefined();

    // The old address is told, without the whole new address.
    markSeen();
    const notice = await nextMail(oldEmail, /email address .* was changed/);
    expect(notice.text).toContain('m***@e***.net');
    expect(notice.text + notice.html).not.toContain(newEmail);
    expect(notice.text).toMatch(/If you did not make this change/);

    // Every session ended; the old address's unused link no longer works.
    await as(token).get('/v1/donor/profile').expect(401);
    await as(stillOld).get('/v1/donor/profile').expect(401);
    await app.http.post('/v1/donor/sessions/verify').send({ token: oldLink }).expect(401);
    // The new address signs in; the old one gets no link any more.
    const fresh = await signIn(app, newEmail);
    expect((await as(fresh).get('/v1/donor/profile').expect(200)).body).toMatchObject({
      email: newEmail,
      pendingEmail: null,
    });
    await app.http.post('/v1/donor/sessions').send({ email: oldEmail }).expect(202);
    await new Promise((r) => setTimeout(r, 500));
    const { rows: tokens } = await app.db.query(
      `SELECT count(*)::int AS n FROM donor_sign_in_tokens WHERE donor_id = $1 AND used_at IS NULL`,
      [donorId],
    );
    expect(tokens[0].n).toBe(0);
    // Neither address nor link in the logs.
    for (const secret of [newEmail, link, 'first.try@example.net'])
      expect(app.logs()).not.toContain(secret);
  });

  it('an address another donor has: the requester is told nothing, confirming changes nothing', async () => {
    const email = 'wants.taken@example.org';
    const takenEmail = 'already.here@example.org';
    await paidDonation(app, slug, { email, name: 'Wants' });
    await paidDonation(app, slug, { email: takenEmail, name: 'Already Here' });
    const token = await signIn(app, email);
    const asked = await as(token).patch('/v1/donor/profile', { email: takenEmail }).expect(200);
    expect(asked.body).toMatchObject({ email, pendingEmail: takenEmail });
    const link = changeTokenOf(await nextMail(takenEmail, /Confirm your new email/));
    const refused = await confirm(link).expect(409);
    expect(refused.body).toMatchObject({ code: 'email_taken' });
    expect(refused.body.message).toMatch(/nothing was changed/);
    expect(await donorRow(email)).toBeDefined();
    expect((await donorRow(takenEmail)).name).toBeNull();
    // The link is used up; the requester's session goes on.
    await confirm(link).expect(400);
    await as(token).get('/v1/donor/profile').expect(200);
  });

  it('limits email changes per donor, and voids a pending one on signing out everywhere', async () => {
    const email = 'many.changes@example.org';
    await paidDonation(app, slug, { email });
    const token = await signIn(app, email);
    for (let i = 1; i <= 5; i++)
      await as(token)
        .patch('/v1/donor/profile', { email: `try${i}@example.net` })
        .expect(200);
    const limited = await as(token)
      .patch('/v1/donor/profile', { email: 'try6@example.net', name: 'Not Written' })
      .expect(429);
    expect(limited.body.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await donorRow(email)).name).toBeNull();

    const link = changeTokenOf(await nextMail('try5@example.net', /Confirm your new email/));
    await as(token).delete('/v1/donor/sessions').expect(204);
    expect((await confirm(link).expect(400)).body.code).toBe('invalid_token');
    expect(await donorRow(email)).toBeDefined();
  });

  it('staff correct a donor’s name and address, audited without the values', async () => {
    const email = 'corrected.donor@example.org';
    await paidDonation(app, slug, { email, name: 'Misspelt Nmae' });
    const { id } = await donorRow(email);
    const finance = await app.createKey('finance');
    const staff = (key: string) => ({
      get: (path: string) => app.http.get(path).set('Authorization', `Bearer ${key}`),
      patch: (path: string, body: object) =>
        app.http.patch(path).set('Authorization', `Bearer ${key}`).send(body),
    });
    await staff(finance).patch(`/v1/admin/donors/${id}`, { name: 'Nope' }).expect(403);
    const bad = await staff(adminKey)
      .patch(`/v1/admin/donors/${id}`, { email: 'hijack@example.org' })
      .expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'email', code: 'unknown_field' });
    await staff(adminKey)
      .patch(`/v1/admin/donors/00000000-0000-4000-8000-000000000000`, { name: 'X' })
      .expect(404);

    const fixed = await staff(adminKey)
      .patch(`/v1/admin/donors/${id}`, {
        name: 'Correct Name',
        address: { line1: '9 Fixed Way', city: 'Berlin', postalCode: '10115', country: 'DE' },
      })
      .expect(200);
    expect(fixed.body).toEqual({
      id,
      email,
      name: 'Correct Name',
      address: { line1: '9 Fixed Way', city: 'Berlin', postalCode: '10115', country: 'DE' },
      erasedAt: null,
    });
    expect((await staff(adminKey).get(`/v1/admin/donors/${id}`).expect(200)).body).toEqual(
      fixed.body,
    );
    // The donor sees it too.
    const token = await signIn(app, email);
    expect((await as(token).get('/v1/donor/profile').expect(200)).body.name).toBe('Correct Name');

    const { rows } = await app.db.query(
      `SELECT action, target, request, response, status_code FROM audit_log
        WHERE action IN ('PATCH /v1/admin/donors/:id', 'GET /v1/admin/donors/:id') ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        action: 'PATCH /v1/admin/donors/:id',
        target: { id },
        request: { email: '[Redacted]' },
        response: expect.anything(),
        status_code: 400,
      },
      expect.objectContaining({ action: 'PATCH /v1/admin/donors/:id', status_code: 404 }),
      {
        action: 'PATCH /v1/admin/donors/:id',
        target: { id },
        request: { name: '[Redacted]', address: '[Redacted]' },
        response: { id },
        status_code: 200,
      },
      {
        action: 'GET /v1/admin/donors/:id',
        target: { id },
        request: null,
        response: { rows: 1 },
        status_code: 200,
      },
    ]);
    const { rows: all } = await app.db.query(`SELECT row_to_json(a)::text AS r FROM audit_log a`);
    expect(all.map((r) => r.r).join('\n')).not.toMatch(/Correct Name|Fixed Way|Misspelt/);
  });

  it('erasure removes a pending email change and its link', async () => {
    const email = 'erasing.donor@example.org';
    await paidDonation(app, slug, { email });
    const { id } = await donorRow(email);
    const token = await signIn(app, email);
    await as(token).patch('/v1/donor/profile', { email: 'erase.target@example.net' }).expect(200);
    const link = changeTokenOf(
      await nextMail('erase.target@example.net', /Confirm your new email/),
    );
    const erased = await as(token).post('/v1/donor/erasure', { confirm: true }).expect(200);
    expect(erased.body.removed).toMatchObject({ emailChanges: 1 });
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM donor_email_changes WHERE donor_id = $1`,
      [id],
    );
    expect(rows[0].n).toBe(0);
    expect((await confirm(link).expect(400)).body.code).toBe('invalid_token');
    const { rows: donors } = await app.db.query(`SELECT email FROM donors WHERE id = $1`, [id]);
    expect(donors).toEqual([{ email: null }]);
  });
});
