import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { MaintenanceTasksService } from '../../src/maintenance/maintenance-tasks.service';
import { CaughtMail } from '../support/mail-catcher/mail-catcher';
import { createCampaign, paidDonation, signIn } from '../support/flows';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { labelValues, metricValue } from '../support/metrics';

const CHECK_EMAIL = {
  status: 'check_email',
  message: 'If the address is right, a confirmation link is on its way',
};
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function tokenOf(mail: CaughtMail): string {
  const match = /\/act\/confirm(?:\?lang=[a-z]+)?#token=([A-Za-z0-9_-]{43})\b/.exec(mail.text);
  if (!match) throw new Error(`no confirmation link in: ${mail.text}`);
  return match[1];
}

function letter(overrides: Record<string, unknown> = {}) {
  return {
    slug: `a-${randomBytes(3).toString('hex')}`,
    title: 'Ask the UN to act',
    description: 'Seven residents of Camp Ashraf were abducted.',
    target: { name: 'UN Special Rapporteur', email: 'rapporteur@example.org' },
    letterSubject: 'Free the seven',
    letterBody: 'We, the undersigned, ask you to act.',
    goal: 100,
    status: 'active',
    ...overrides,
  };
}

describe('campaign actions: signing, confirmation, public counts, withdrawal, erasure', () => {
  let app: TestApp;
  let adminKey: string;
  let campaign: { slug: string };
  const seen = new Set<string>();

  const admin = () => ({ Authorization: `Bearer ${adminKey}` });
  const createAction = (body: Record<string, unknown>, slug = campaign.slug) =>
    app.http.post(`/v1/admin/campaigns/${slug}/actions`).set(admin()).send(body);
  const sign = (actionSlug: string, body: Record<string, unknown>, slug = campaign.slug) =>
    app.http.post(`/v1/campaigns/${slug}/actions/${actionSlug}/signatures`).send(body);
  const confirm = (token: unknown) => app.http.post('/v1/signatures/confirm').send({ token });
  const publicAction = (actionSlug: string, query = '') =>
    app.http.get(`/v1/campaigns/${campaign.slug}/actions/${actionSlug}${query}`);
  /** Confirmation mails to `to` caught so far. */
  const confirmations = (to: string) =>
    app.mail
      .messages()
      .filter((m) => m.to.includes(to) && /\/act\/confirm(?:\?lang=[a-z]+)?#token=/.test(m.text));
  /** The next confirmation mail to `to` not seen yet by this file. */
  const nextConfirmation = async (to: string) => {
    const mail = await app.mail.waitFor(
      (m) =>
        m.to.includes(to) &&
        /\/act\/confirm(?:\?lang=[a-z]+)?#token=/.test(m.text) &&
        !seen.has(m.id),
      15_000,
    );
    seen.add(mail.id);
    return mail;
  };
  /** Every outbox row written so far has been sent (or given up): nothing more is coming. */
  const mailSettled = () =>
    eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT count(*)::int AS n FROM outbound_emails WHERE status = 'pending'`,
      );
      return rows[0].n === 0;
    }, 15_000);
  const signAndConfirm = async (actionSlug: string, body: Record<string, unknown>) => {
    await sign(actionSlug, body).expect(202);
    const res = await confirm(tokenOf(await nextConfirmation(body.email as string))).expect(200);
    return res.body;
  };

  beforeAll(async () => {
    app = await startTestApp({
      worker: true,
      env: { RATE_LIMIT_DONATIONS: '1000', RATE_LIMIT_SIGNIN: '50' },
    });
    adminKey = await app.createKey('admin');
    campaign = await createCampaign(app, adminKey, { title: 'Free the seven' });
  });
  afterAll(() => app?.close());

  it('creates an action with its first letter version, and refuses bad input naming the field', async () => {
    const body = letter({ deliveryCron: '0 9 * * 1' });
    const res = await createAction(body).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      campaignSlug: campaign.slug,
      slug: body.slug,
      title: 'Ask the UN to act',
      description: 'Seven residents of Camp Ashraf were abducted.',
      target: { name: 'UN Special Rapporteur', email: 'rapporteur@example.org' },
      letterSubject: 'Free the seven',
      letterBody: 'We, the undersigned, ask you to act.',
      letterVersion: 1,
      goal: 100,
      status: 'active',
      deliveryCron: '0 9 * * 1',
      signatures: 0,
      pendingSignatures: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      closedAt: null,
    });
    const got = await app.http.get(`/v1/admin/actions/${res.body.id}`).set(admin()).expect(200);
    expect(got.body).toEqual(res.body);
    const list = await app.http
      .get(`/v1/admin/campaigns/${campaign.slug}/actions`)
      .set(admin())
      .expect(200);
    expect(list.body.data.map((a: { id: string }) => a.id)).toContain(res.body.id);

    // The same slug in the same campaign: 409.
    const taken = await createAction(letter({ slug: body.slug })).expect(409);
    expect(taken.body).toMatchObject({ code: 'conflict' });
    expect(taken.body.message).toContain(body.slug as string);
    // Bad fields: 400, each named.
    const bad = await createAction(
      letter({ slug: 'Not A Slug', goal: 0, target: { name: 'X', email: 'nope' } }),
    ).expect(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'goal',
      'slug',
      'target.email',
    ]);
    await createAction(letter({ status: 'closed' })).expect(400);
    await createAction(letter(), 'no-such-campaign').expect(404);
    await app.http.get('/v1/admin/actions/not-a-uuid').set(admin()).expect(404);
    // Staff only.
    await app.http.post(`/v1/admin/campaigns/${campaign.slug}/actions`).send(letter()).expect(401);
    const finance = await app.createKey('finance');
    await app.http
      .post(`/v1/admin/campaigns/${campaign.slug}/actions`)
      .set('Authorization', `Bearer ${finance}`)
      .send(letter())
      .expect(403);
    // Audited as other staff writes.
    const { rows } = await app.db.query(
      `SELECT action, response, status_code FROM audit_log WHERE target->>'slug' = $1 AND status_code = 201`,
      [campaign.slug],
    );
    expect(rows).toEqual([
      {
        action: 'POST /v1/admin/campaigns/:slug/actions',
        response: expect.objectContaining({ id: res.body.id }),
        status_code: 201,
      },
    ]);
  });

  it('counts confirmed distinct signers only: 50 sign, some twice, some never confirm', async () => {
    const action = (await createAction(letter({ goal: 500 })).expect(201)).body;
    const signers = Array.from({ length: 50 }, (_, i) => ({
      name: `Signer ${i}`,
      email: `signer${i}@example.org`,
      country: i % 3 ? 'fr' : 'DE',
      comment: i % 4 ? undefined : 'Free them now',
      public: i % 2 === 0,
      displayName: i % 2 === 0 && i % 10 ? `Friend ${i}` : undefined,
      twice: i % 5 === 0,
      confirms: i % 7 !== 3,
    }));
    for (const s of signers) {
      const res = await sign(action.slug, {
        name: s.name,
        email: s.email,
        country: s.country,
        comment: s.comment,
        public: s.public,
        displayName: s.displayName,
      }).expect(202);
      expect(res.body).toEqual(CHECK_EMAIL);
    }
    const tokens = new Map<string, string>();
    for (const s of signers) {
      const mail = await nextConfirmation(s.email);
      // Before confirming, every signer learns that the target receives their name, public
      // or not, and what the public page will show.
      const text = mail.text.replace(/\s+/g, ' ');
      expect(text).toContain(
        'receives your name, country and comment with it (never your email address)',
      );
      expect(text).toContain(
        s.public ? 'will be listed publicly as' : 'Your name will not be shown publicly',
      );
      tokens.set(s.email, tokenOf(mail));
    }
    // Twice the same way: the same answer, and (within a day) no second mail and no change.
    for (const s of signers.filter((x) => x.twice)) {
      const again = await sign(action.slug, {
        name: s.name,
        email: ` ${s.email.toUpperCase()} `,
        country: s.country,
        comment: s.comment,
        public: s.public,
        displayName: s.displayName,
      }).expect(202);
      expect(again.body).toEqual(CHECK_EMAIL);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    await mailSettled();
    for (const s of signers) expect(confirmations(s.email)).toHaveLength(1);
    const pending = await app.db.query(
      `SELECT count(*)::int AS n, count(DISTINCT email)::int AS emails, bool_and(name LIKE 'Signer %') AS names
         FROM signatures WHERE action_id = $1 AND status = 'pending'`,
      [action.id],
    );
    expect(pending.rows[0]).toEqual({ n: 50, emails: 50, names: true });

    for (const s of signers.filter((x) => x.confirms)) {
      const res = await confirm(tokens.get(s.email)).expect(200);
      expect(res.body).toEqual({
        campaignSlug: campaign.slug,
        actionSlug: action.slug,
        actionTitle: 'Ask the UN to act',
        signatures: expect.any(Number),
      });
    }
    // Twice signed and confirmed: still one each.
    for (const s of signers.filter((x) => x.twice && x.confirms)) {
      await sign(action.slug, { name: s.name, email: s.email, country: 'FR' }).expect(202);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const confirmed = signers.filter((s) => s.confirms);
    const expectedPublic = confirmed.filter((s) => s.public);

    const adminView = await app.http.get(`/v1/admin/actions/${action.id}`).set(admin()).expect(200);
    expect(adminView.body).toMatchObject({
      signatures: confirmed.length,
      pendingSignatures: 50 - confirmed.length,
    });
    const view = await publicAction(action.slug, '?signersLimit=50').expect(200);
    expect(view.body).toMatchObject({
      slug: action.slug,
      status: 'active',
      target: { name: 'UN Special Rapporteur' },
      letter: {
        subject: 'Free the seven',
        body: 'We, the undersigned, ask you to act.',
        version: 1,
      },
      goal: 500,
      signatures: confirmed.length,
    });
    expect(view.body.target).toEqual({ name: 'UN Special Rapporteur' });
    // Only public confirmed signers, with what they chose to show, their country and the day.
    expect(view.body.signers.nextCursor).toBeNull();
    expect(view.body.signers.data).toHaveLength(expectedPublic.length);
    for (const signer of view.body.signers.data) {
      expect(Object.keys(signer).sort()).toEqual(['country', 'date', 'displayName']);
      expect(signer.date).toMatch(DAY);
    }
    expect(
      view.body.signers.data.map((s: { displayName: string }) => s.displayName).sort(),
    ).toEqual(expectedPublic.map((s) => s.displayName ?? s.name).sort());
    expect(JSON.stringify(view.body)).not.toMatch(/@example\.org|Free them now|Someone Else/);

    // Pages with a sealed cursor; a changed cursor is a 400 naming signersCursor.
    const first = await publicAction(action.slug, '?signersLimit=5').expect(200);
    expect(first.body.signers.data).toHaveLength(5);
    const pages = [...first.body.signers.data];
    let cursor: string | null = first.body.signers.nextCursor;
    while (cursor) {
      const next = await publicAction(
        action.slug,
        `?signersLimit=5&signersCursor=${encodeURIComponent(cursor)}`,
      ).expect(200);
      pages.push(...next.body.signers.data);
      cursor = next.body.signers.nextCursor;
    }
    expect(pages).toEqual(view.body.signers.data);
    const forged = await publicAction(
      action.slug,
      '?signersCursor=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijk',
    ).expect(400);
    expect(forged.body.errors).toEqual([
      expect.objectContaining({ field: 'signersCursor', code: 'invalid_format' }),
    ]);
    const tooMany = await publicAction(action.slug, '?signersLimit=500').expect(400);
    expect(tooMany.body.errors[0].field).toBe('signersLimit');

    // The campaign's views list the action with its count.
    const campaignView = await app.http.get(`/v1/campaigns/${campaign.slug}`).expect(200);
    expect(campaignView.body.actions).toContainEqual({
      slug: action.slug,
      title: 'Ask the UN to act',
      goal: 500,
      signatures: confirmed.length,
    });
    const campaigns = await app.http.get('/v1/campaigns').expect(200);
    const listed = campaigns.body.data.find((c: { slug: string }) => c.slug === campaign.slug);
    expect(listed.actions).toContainEqual(expect.objectContaining({ slug: action.slug }));
    const publicList = await app.http.get(`/v1/campaigns/${campaign.slug}/actions`).expect(200);
    expect(publicList.body.data).toContainEqual(
      expect.objectContaining({ slug: action.slug, signatures: confirmed.length }),
    );

    // Confirmation moved each signer to a donors row and cleared the address from the signature.
    const rows = await app.db.query(
      `SELECT s.email, d.email AS donor_email FROM signatures s JOIN donors d ON d.id = s.donor_id
        WHERE s.action_id = $1 AND s.status = 'confirmed' ORDER BY d.email`,
      [action.id],
    );
    expect(rows.rows).toHaveLength(confirmed.length);
    expect(rows.rows.every((r: { email: string | null }) => r.email === null)).toBe(true);
    expect(rows.rows.map((r: { donor_email: string }) => r.donor_email).sort()).toEqual(
      confirmed.map((s) => s.email).sort(),
    );
    // A used link works once; garbage or a missing token is named.
    const used = await confirm(tokens.get(confirmed[0].email)).expect(400);
    expect(used.body).toMatchObject({ statusCode: 400, code: 'invalid_token' });
    expect((await confirm('x'.repeat(43)).expect(400)).body.code).toBe('invalid_token');
    const missing = await app.http.post('/v1/signatures/confirm').send({}).expect(400);
    expect(missing.body.errors[0].field).toBe('token');

    // Metrics: by action id only, no personal data.
    const metrics = (await app.http.get('/metrics').expect(200)).text;
    expect(
      metricValue(metrics, 'pledge_action_signatures_confirmed_total', { action: action.id }),
    ).toBe(confirmed.length);
    expect(
      metricValue(metrics, 'pledge_action_signatures_signed_total', { action: action.id }),
    ).toBe(50);
    expect(metricValue(metrics, 'pledge_action_signatures_confirmed', { action: action.id })).toBe(
      confirmed.length,
    );
    expect(labelValues(metrics).join('\n')).not.toMatch(/@|Signer|Friend/);
    // Logs hold no signer's address or name.
    expect(app.logs()).not.toMatch(/signer\d+@example\.org|Signer \d+|Friend \d+/);
  });

  it('lets the owner of an address sign with their own details after a stranger signed first with it', async () => {
    const action = (await createAction(letter()).expect(201)).body;
    const victim = 'maryam.owner@example.org';
    // Someone who knows the address signs first, with their own words, not public.
    await sign(action.slug, {
      name: 'Planted Name',
      email: victim,
      country: 'IR',
      comment: 'I renounce the campaign',
      public: false,
    }).expect(202);
    const planted = await nextConfirmation(victim);
    // The email shows what confirming would send, public or not, and says not to confirm it.
    const plantedText = planted.text.replace(/\s+/g, ' ');
    expect(plantedText).toContain('Name: Planted Name');
    expect(plantedText).toContain('Country: Iran (IR)');
    expect(plantedText).toContain('Comment: I renounce the campaign');
    expect(plantedText).toContain(
      'If these are not your details, do not confirm: sign again with your own',
    );
    expect(planted.html).toContain('<span dir="auto">I renounce the campaign</span>');

    // The owner signs with their own details, within the day: a fresh link for those at once.
    await sign(action.slug, {
      name: 'Maryam Rahimi',
      email: victim,
      country: 'FR',
      comment: 'Free them all',
      public: true,
      displayName: 'Maryam R.',
    }).expect(202);
    const own = await nextConfirmation(victim);
    const ownText = own.text.replace(/\s+/g, ' ');
    expect(ownText).toContain('Name: Maryam Rahimi');
    expect(ownText).toContain('Country: France (FR)');
    expect(ownText).toContain('Comment: Free them all');
    expect(ownText).toContain('will be listed publicly as Maryam R. (FR)');
    expect(ownText).not.toMatch(/Planted|renounce/);
    // The voided link keeps none of the stranger's text.
    const voided = await app.db.query(
      `SELECT count(*)::int AS n FROM signature_tokens WHERE name = 'Planted Name' OR comment LIKE '%renounce%'`,
    );
    expect(voided.rows[0].n).toBe(0);
    // The stranger's link no longer works; the owner's confirms the owner's own details.
    await mailSettled();
    expect((await confirm(tokenOf(planted)).expect(400)).body.code).toBe('invalid_token');
    await confirm(tokenOf(own)).expect(200);
    const stored = await app.db.query(
      `SELECT name, country, comment, public, display_name, status FROM signatures WHERE action_id = $1`,
      [action.id],
    );
    expect(stored.rows).toEqual([
      {
        name: 'Maryam Rahimi',
        country: 'FR',
        comment: 'Free them all',
        public: true,
        display_name: 'Maryam R.',
        status: 'confirmed',
      },
    ]);
    const view = (await publicAction(action.slug).expect(200)).body;
    expect(view.signers.data).toEqual([
      { displayName: 'Maryam R.', country: 'FR', date: expect.stringMatching(DAY) },
    ]);
    // Confirmed: no link of it is kept, and its sent confirmation emails keep neither the
    // address nor a body.
    const tokens = await app.db.query(
      `SELECT count(*)::int AS n FROM signature_tokens t JOIN signatures s ON s.id = t.signature_id
        WHERE s.action_id = $1`,
      [action.id],
    );
    expect(tokens.rows[0].n).toBe(0);
    const kept = await app.db.query(
      `SELECT count(*)::int AS n FROM outbound_emails
        WHERE kind = 'signature-confirm' AND (to_address = $1 OR text_body LIKE '%Planted%')`,
      [victim],
    );
    expect(kept.rows[0].n).toBe(0);
  });

  it('confirms the submission its link was mailed for, whatever the signature holds', async () => {
    const action = (await createAction(letter()).expect(201)).body;
    const email = 'own.link@example.org';
    await sign(action.slug, { name: 'First Words', email, country: 'NL' }).expect(202);
    const first = await nextConfirmation(email);
    // The same signature as someone else left it later, after the first link had gone out.
    await app.db.query(
      `UPDATE signatures SET name = 'Changed Later', comment = 'not shown in the email' WHERE email = $1`,
      [email],
    );
    await confirm(tokenOf(first)).expect(200);
    const stored = await app.db.query(
      `SELECT name, country, comment FROM signatures WHERE action_id = $1`,
      [action.id],
    );
    expect(stored.rows).toEqual([{ name: 'First Words', country: 'NL', comment: null }]);
  });

  it('sends a fresh link to a signature still pending after a day, voiding the old one; purges unconfirmed ones after 48 hours', async () => {
    const action = (await createAction(letter()).expect(201)).body;
    const email = 'late.signer@example.org';
    await sign(action.slug, { name: 'Late', email, country: 'IT' }).expect(202);
    const oldToken = tokenOf(await nextConfirmation(email));
    await app.db.query(
      `UPDATE signatures SET last_mailed_at = now() - interval '25 hours' WHERE action_id = $1`,
      [action.id],
    );
    await sign(action.slug, { name: 'Late', email, country: 'IT' }).expect(202);
    const newToken = tokenOf(await nextConfirmation(email));
    expect(newToken).not.toBe(oldToken);
    expect((await confirm(oldToken).expect(400)).body.code).toBe('invalid_token');

    // Another that never confirms: once its link is over 48 hours old, it is deleted.
    const never = 'never.confirms@example.org';
    await sign(action.slug, { name: 'Never', email: never, country: 'IT' }).expect(202);
    await nextConfirmation(never);
    await app.db.query(
      `UPDATE signatures SET last_mailed_at = now() - interval '49 hours', created_at = now() - interval '49 hours'
        WHERE action_id = $1 AND email = $2`,
      [action.id, never],
    );
    await app.db.query(
      `UPDATE outbound_emails SET created_at = now() - interval '49 hours' WHERE to_address = $1`,
      [never],
    );
    const run = await app.worker!.get(MaintenanceTasksService).run('retry-stuck', 'manual');
    expect(run.findings).toMatchObject({
      unconfirmedSignaturesDeleted: 1,
      confirmationEmailsCleared: 1,
    });
    // Its address is kept nowhere: not in signatures, not in the outbox.
    const dump = await app.db.query(
      `SELECT (SELECT count(*)::int FROM signatures WHERE email = $1)
            + (SELECT count(*)::int FROM outbound_emails WHERE to_address = $1) AS n`,
      [never],
    );
    expect(dump.rows[0].n).toBe(0);
    const left = await app.db.query(`SELECT email FROM signatures WHERE action_id = $1`, [
      action.id,
    ]);
    expect(left.rows).toEqual([{ email }]);
    // The fresh link still works.
    await confirm(newToken).expect(200);
  });

  it('refuses signatures on draft and closed actions (409), unknown ones (404) and bad input (400)', async () => {
    const draft = (await createAction(letter({ status: 'draft' })).expect(201)).body;
    const signer = { name: 'A', email: 'a.signer@example.org', country: 'FR' };
    const refused = await sign(draft.slug, signer).expect(409);
    expect(refused.body).toMatchObject({ statusCode: 409, code: 'not_active' });
    await publicAction(draft.slug).expect(404);
    const listed = await app.http.get(`/v1/campaigns/${campaign.slug}/actions`).expect(200);
    expect(listed.body.data.map((a: { slug: string }) => a.slug)).not.toContain(draft.slug);

    await sign('no-such-action', signer).expect(404);
    await sign(draft.slug, signer, 'no-such-campaign').expect(404);

    const open = (await createAction(letter()).expect(201)).body;
    const bad = await sign(open.slug, {
      name: '',
      email: 'not-an-email',
      country: 'France',
      comment: 'x'.repeat(501),
      public: 'yes',
    }).expect(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'comment',
      'country',
      'email',
      'name',
      'public',
    ]);

    // Closing: 409 for new signatures, the action stays public as closed, and off the campaign view.
    await signAndConfirm(open.slug, { ...signer });
    const closed = await app.http
      .post(`/v1/admin/actions/${open.id}/close`)
      .set(admin())
      .expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    expect((await sign(open.slug, signer).expect(409)).body.code).toBe('not_active');
    expect((await publicAction(open.slug).expect(200)).body).toMatchObject({
      status: 'closed',
      signatures: 1,
    });
    const campaignView = await app.http.get(`/v1/campaigns/${campaign.slug}`).expect(200);
    expect(campaignView.body.actions.map((a: { slug: string }) => a.slug)).not.toContain(open.slug);
    const edit = await app.http
      .patch(`/v1/admin/actions/${open.id}`)
      .set(admin())
      .send({ title: 'Changed' })
      .expect(409);
    expect(edit.body.code).toBe('conflict');
  });

  it('versions the letter: edited in place until signed, then a new version', async () => {
    const action = (await createAction(letter()).expect(201)).body;
    const patch = (body: Record<string, unknown>) =>
      app.http.patch(`/v1/admin/actions/${action.id}`).set(admin()).send(body);
    const inPlace = await patch({ letterBody: 'Typo fixed.' }).expect(200);
    expect(inPlace.body).toMatchObject({ letterVersion: 1, letterBody: 'Typo fixed.' });

    await signAndConfirm(action.slug, {
      name: 'Early',
      email: 'early@example.org',
      country: 'NL',
    });
    const v2 = await patch({ letterSubject: 'Free the seven, now', goal: 200 }).expect(200);
    expect(v2.body).toMatchObject({
      letterVersion: 2,
      letterSubject: 'Free the seven, now',
      letterBody: 'Typo fixed.',
      goal: 200,
    });
    // Not a letter change: no new version.
    expect((await patch({ title: 'Retitled' }).expect(200)).body.letterVersion).toBe(2);
    const letters = await app.db.query(
      `SELECT version, subject, body FROM action_letters WHERE action_id = $1 ORDER BY version`,
      [action.id],
    );
    expect(letters.rows).toEqual([
      { version: 1, subject: 'Free the seven', body: 'Typo fixed.' },
      { version: 2, subject: 'Free the seven, now', body: 'Typo fixed.' },
    ]);
    const signed = await app.db.query(
      `SELECT letter_version FROM signatures WHERE action_id = $1`,
      [action.id],
    );
    expect(signed.rows).toEqual([{ letter_version: 1 }]);
    expect((await publicAction(action.slug).expect(200)).body.letter).toEqual({
      subject: 'Free the seven, now',
      body: 'Typo fixed.',
      version: 2,
    });
    const bad = await patch({ goal: -1, slug: 'new-slug' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['goal', 'slug']);
  });

  it('lets a signer who never gave sign in, list and withdraw; withdrawn signatures stop counting', async () => {
    const action = (await createAction(letter()).expect(201)).body;
    const email = 'only.signs@example.org';
    await signAndConfirm(action.slug, {
      name: 'Only Signs',
      email,
      country: 'SE',
      comment: 'For the families',
      public: true,
      displayName: 'O.',
    });
    const other = 'other.signer@example.org';
    await signAndConfirm(action.slug, { name: 'Other', email: other, country: 'SE' });
    expect((await publicAction(action.slug).expect(200)).body.signatures).toBe(2);

    const token = await signIn(app, email);
    const mine = await app.http
      .get('/v1/donor/signatures')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(mine.body.data).toEqual([
      {
        id: expect.any(String),
        campaignSlug: campaign.slug,
        campaignTitle: 'Free the seven',
        actionSlug: action.slug,
        actionTitle: 'Ask the UN to act',
        status: 'confirmed',
        public: true,
        displayName: 'O.',
        country: 'SE',
        comment: 'For the families',
        signedAt: expect.any(String),
        confirmedAt: expect.any(String),
        withdrawnAt: null,
      },
    ]);
    // Signing reveals nothing about gifts: this signer has none to see.
    const gifts = await app.http
      .get('/v1/donor/donations')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(gifts.body.data).toEqual([]);

    // Another donor's signature: 404.
    const otherToken = await signIn(app, other);
    await app.http
      .post(`/v1/donor/signatures/${mine.body.data[0].id}/withdraw`)
      .set('Authorization', `Bearer ${otherToken}`)
      .expect(404);
    await app.http
      .post('/v1/donor/signatures/not-a-uuid/withdraw')
      .set('Authorization', `Bearer ${token}`)
      .expect(404);
    await app.http.get('/v1/donor/signatures').expect(401);

    const withdrawn = await app.http
      .post(`/v1/donor/signatures/${mine.body.data[0].id}/withdraw`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    // Withdrawn: its comment and display name are gone, and (never delivered) its name.
    expect(withdrawn.body).toMatchObject({
      status: 'withdrawn',
      withdrawnAt: expect.any(String),
      comment: null,
      displayName: null,
    });
    const left = await app.db.query(
      `SELECT name, comment, display_name FROM signatures WHERE id = $1`,
      [mine.body.data[0].id],
    );
    expect(left.rows).toEqual([{ name: '', comment: null, display_name: null }]);
    const view = (await publicAction(action.slug).expect(200)).body;
    expect(view.signatures).toBe(1);
    expect(view.signers.data).toEqual([]);
    // Withdrawing again answers the same.
    await app.http
      .post(`/v1/donor/signatures/${mine.body.data[0].id}/withdraw`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    // Withdrawing is not final: signing again (here from the French page) mails a new link,
    // which opens the confirmation page in French, and confirming counts them once more.
    await sign(action.slug, { name: 'Only Signs', email, country: 'SE', lang: 'fr' }).expect(202);
    const again = await nextConfirmation(email);
    expect(again.text).toMatch(/\/act\/confirm\?lang=fr#token=/);
    expect((await publicAction(action.slug).expect(200)).body.signatures).toBe(1);
    await confirm(tokenOf(again)).expect(200);
    expect((await publicAction(action.slug).expect(200)).body.signatures).toBe(2);
    const resigned = await app.http
      .get('/v1/donor/signatures')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(resigned.body.data).toEqual([
      expect.objectContaining({ status: 'confirmed', withdrawnAt: null, country: 'SE' }),
    ]);
    // A language the pages do not speak is refused, naming the field.
    const bad = await sign(action.slug, { name: 'X', email, country: 'SE', lang: 'de' }).expect(
      400,
    );
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'lang', code: 'is_in' })]);
    const metrics = (await app.http.get('/metrics').expect(200)).text;
    expect(
      metricValue(metrics, 'pledge_action_signatures_withdrawn_total', { action: action.id }),
    ).toBe(1);
  });

  it('exports a signer’s signatures and erases them (counts drop), pending ones by address too', async () => {
    const action = (await createAction(letter()).expect(201)).body;
    const second = (await createAction(letter()).expect(201)).body;
    const email = 'giver.and.signer@example.org';
    await paidDonation(app, campaign.slug, { email });
    await signAndConfirm(action.slug, {
      name: 'Giver',
      email,
      country: 'CH',
      public: true,
      displayName: 'G.',
    });
    // A pending one on the second action, by the same address.
    await sign(second.slug, { name: 'Giver', email, country: 'CH' }).expect(202);
    await nextConfirmation(email);
    // Signers who give are one person: one donors row.
    const donors = await app.db.query(`SELECT id FROM donors WHERE email = $1`, [email]);
    expect(donors.rows).toHaveLength(1);
    const donorId = donors.rows[0].id;

    const exported = await app.http
      .get(`/v1/admin/donors/${donorId}/export`)
      .set(admin())
      .expect(200);
    expect(exported.body.signatures).toEqual([
      expect.objectContaining({
        actionSlug: action.slug,
        name: 'Giver',
        country: 'CH',
        status: 'confirmed',
        displayName: 'G.',
      }),
    ]);
    expect((await publicAction(action.slug).expect(200)).body.signatures).toBe(1);

    const erased = await app.http
      .post(`/v1/admin/donors/${donorId}/erase`)
      .set(admin())
      .expect(200);
    expect(erased.body.removed.signatures).toBe(2);
    const view = (await publicAction(action.slug).expect(200)).body;
    expect(view.signatures).toBe(0);
    expect(view.signers.data).toEqual([]);
    const left = await app.db.query(
      `SELECT count(*)::int AS n FROM signatures WHERE action_id = ANY($1::uuid[])`,
      [[action.id, second.id]],
    );
    expect(left.rows[0].n).toBe(0);
  });
});

describe('limits on signing, as on gifts', () => {
  let app: TestApp;
  let adminKey: string;
  let slug: string;
  let verifier: Server;

  beforeAll(async () => {
    verifier = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ success: form.get('response') === 'good' }));
      });
    });
    await new Promise<void>((resolve) => verifier.listen(0, '127.0.0.1', resolve));
    app = await startTestApp({
      worker: true,
      env: {
        RATE_LIMIT_DONATIONS: '1000',
        RATE_LIMIT_DONATIONS_PER_EMAIL: '2',
      },
    });
    adminKey = await app.createKey('admin');
    ({ slug } = await createCampaign(app, adminKey));
  });
  afterAll(async () => {
    if (verifier.listening) await new Promise((resolve) => verifier.close(resolve));
    await app?.close();
  });

  const newAction = async () =>
    (
      await app.http
        .post(`/v1/admin/campaigns/${slug}/actions`)
        .set('Authorization', `Bearer ${adminKey}`)
        .send(letter())
        .expect(201)
    ).body;
  const sign = (actionSlug: string, body: Record<string, unknown>) =>
    app.http.post(`/v1/campaigns/${slug}/actions/${actionSlug}/signatures`).send(body);

  it('limits signatures per email address (counting only mailed links), apart from gifts', async () => {
    const email = 'busy.signer@example.org';
    const actions = [await newAction(), await newAction(), await newAction()];
    const mails = () => app.mail.messages().filter((m) => m.to.includes(email)).length;
    await sign(actions[0].slug, { name: 'B', email, country: 'FR' }).expect(202);
    await eventually(async () => mails() === 1);
    // A repeat mails nothing and does not count.
    await sign(actions[0].slug, { name: 'B', email, country: 'FR' }).expect(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sign(actions[1].slug, { name: 'B', email, country: 'FR' }).expect(202);
    await eventually(async () => mails() === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Over the window: the very same answer as ever (a 429 would tell whoever knows the
    // address whether it had signed), and no mail and no signature. An invalid body still
    // gets its 400, over the window or not.
    const limited = await sign(actions[2].slug, { name: 'B', email, country: 'FR' }).expect(202);
    expect(limited.body).toEqual(CHECK_EMAIL);
    expect(limited.headers['retry-after']).toBeUndefined();
    await sign(actions[2].slug, { name: 'B', email, country: 'nowhere' }).expect(400);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mails()).toBe(2);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM signatures WHERE action_id = $1`,
      [actions[2].id],
    );
    expect(rows[0].n).toBe(0);
    // The same mailbox spelt with dots at Gmail is the same address: one signature, one mail.
    await sign(actions[0].slug, { name: 'G', email: 'gmail.signer@gmail.com', country: 'FR' });
    await eventually(async () =>
      app.mail.messages().some((m) => m.to.includes('gmail.signer@gmail.com')),
    );
    await sign(actions[0].slug, { name: 'G', email: 'g.mail.signer@gmail.com', country: 'FR' });
    await sign(actions[0].slug, { name: 'G', email: 'gmailsigner@googlemail.com', country: 'FR' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(app.mail.messages().filter((m) => /mail\.?signer@g/.test(m.to.join(','))).length).toBe(
      1,
    );
    // Gifts by that address have windows of their own.
    await app.http
      .post(`/v1/campaigns/${slug}/donations`)
      .send({ amount: 2500, currency: 'usd', email })
      .expect(201);
    expect(app.logs()).not.toContain(email);
  });

  it('counts a signing again with other details within the day as a mailed attempt', async () => {
    const email = 'changes.mind@example.org';
    const actions = [await newAction(), await newAction()];
    const mails = () => app.mail.messages().filter((m) => m.to.includes(email)).length;
    await sign(actions[0].slug, { name: 'C', email, country: 'FR' }).expect(202);
    await eventually(async () => mails() === 1);
    // Other details: a fresh link at once, counted against the address.
    await sign(actions[0].slug, { name: 'C', email, country: 'BE' }).expect(202);
    await eventually(async () => mails() === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // So the address's window (2) is full: another signature is quietly not recorded.
    await sign(actions[1].slug, { name: 'C', email, country: 'FR' }).expect(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mails()).toBe(2);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM signatures WHERE action_id = $1`,
      [actions[1].id],
    );
    expect(rows[0].n).toBe(0);
  });

  it('asks for the CAPTCHA when it is on', async () => {
    const { port } = verifier.address() as AddressInfo;
    const captchaApp = await startTestApp({
      env: {
        CAPTCHA_SECRET: 'captcha-secret-1',
        CAPTCHA_VERIFY_URL: `http://127.0.0.1:${port}/siteverify`,
        CAPTCHA_SITE_KEY: 'site-key-1',
      },
    });
    try {
      const key = await captchaApp.createKey('admin');
      const c = await createCampaign(captchaApp, key);
      const action = (
        await captchaApp.http
          .post(`/v1/admin/campaigns/${c.slug}/actions`)
          .set('Authorization', `Bearer ${key}`)
          .send(letter())
          .expect(201)
      ).body;
      const signer = { name: 'C', email: 'captcha.signer@example.org', country: 'FR' };
      const url = `/v1/campaigns/${c.slug}/actions/${action.slug}/signatures`;
      const missing = await captchaApp.http.post(url).send(signer).expect(400);
      expect(missing.body.errors[0]).toMatchObject({ field: 'captchaToken', code: 'required' });
      const refused = await captchaApp.http
        .post(url)
        .send({ ...signer, captchaToken: 'forged' })
        .expect(403);
      expect(refused.body.code).toBe('captcha_failed');
      await captchaApp.http
        .post(url)
        .send({ ...signer, captchaToken: 'good' })
        .expect(202);
    } finally {
      await captchaApp.close();
      for (const name of ['CAPTCHA_SECRET', 'CAPTCHA_VERIFY_URL', 'CAPTCHA_SITE_KEY'])
        delete process.env[name];
    }
  });
});
