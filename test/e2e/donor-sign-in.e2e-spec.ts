import { createHash } from 'node:crypto';
import { QueueService } from '../../src/common/queue/queue.service';
import { CaughtMail } from '../support/mail-catcher/mail-catcher';
import { createCampaign, donate, paidDonation } from '../support/flows';
import { eventually, startTestApp, TestApp } from '../support/harness';

const ACCEPTED = {
  message: 'If this address has given to or signed for a campaign, a sign-in link is on its way.',
};
const INVALID_LINK = 'The sign-in link is invalid, used or expired';

function tokenOf(mail: CaughtMail): string {
  const match = /\/donor\/sign-in#token=([A-Za-z0-9_-]{43})\b/.exec(mail.text);
  if (!match) throw new Error(`no sign-in link in: ${mail.text}`);
  return match[1];
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

describe('donor sign-in by email link', () => {
  let app: TestApp;
  let adminKey: string;
  let campaign: { slug: string };
  const knownEmail = 'known.donor@example.org';
  let paidId: string;
  let pendingId: string;
  let failedId: string;
  let othersId: string;
  let seen: Set<string>;

  /** The next sign-in mail to `to` not seen yet by this file. */
  const nextSignInMail = async (to = knownEmail) => {
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(to) && /sign-in link/i.test(m.subject) && !seen.has(m.id),
    );
    seen.add(mail.id);
    return mail;
  };
  const requestLink = (email: unknown) => app.http.post('/v1/donor/sessions').send({ email });
  const verify = (token: unknown) => app.http.post('/v1/donor/sessions/verify').send({ token });
  const signIn = async () => {
    await requestLink(knownEmail).expect(202);
    const res = await verify(tokenOf(await nextSignInMail())).expect(200);
    return res.body.accessToken as string;
  };

  beforeAll(async () => {
    // Sign-ins for the one known address, more than the default 5 an hour.
    app = await startTestApp({
      worker: true,
      env: { RATE_LIMIT_DONATIONS: '1000', RATE_LIMIT_SIGNIN: '50' },
    });
    seen = new Set();
    adminKey = await app.createKey('admin');
    campaign = await createCampaign(app, adminKey, { title: 'Free the seven' });
    const other = await createCampaign(app, adminKey, { title: 'Protect the residents' });
    paidId = (await paidDonation(app, campaign.slug, { email: ' Known.Donor@Example.org ' }))
      .donationId;
    pendingId = (await donate(app, other.slug, { email: knownEmail, amount: 4000 })).donationId;
    failedId = (await donate(app, other.slug, { email: knownEmail, amount: 5000 })).donationId;
    await app.db.query(`UPDATE donations SET status = 'failed' WHERE id = $1`, [failedId]);
    othersId = (await paidDonation(app, campaign.slug, { email: 'someone.else@example.org' }))
      .donationId;
  });
  afterAll(() => app?.close());

  it('answers known and unknown addresses alike, and mails a single-use link only to the known one', async () => {
    const unknown = await requestLink('nobody-here@example.org').expect(202);
    const known = await requestLink('  KNOWN.donor@example.org ').expect(202);
    expect(unknown.body).toEqual(ACCEPTED);
    expect(known.body).toEqual(ACCEPTED);

    const mail = await nextSignInMail();
    expect(mail.text).toContain('http://localhost:3000/donor/sign-in#token=');
    const token = tokenOf(mail);
    // Nothing was created for the unknown address: one token, one sign-in email, both the donor's.
    const tokens = await app.db.query(
      `SELECT t.token_hash, d.email FROM donor_sign_in_tokens t JOIN donors d ON d.id = t.donor_id`,
    );
    expect(tokens.rows).toEqual([{ token_hash: sha256(token), email: knownEmail }]);
    const outbox = await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT to_address, status, text_body, html_body, dedupe_key FROM outbound_emails WHERE kind = 'sign-in'`,
      );
      return rows.length === 1 && rows[0].status === 'sent' && rows;
    });
    // The link is erased from the outbox once sent.
    expect(outbox[0]).toMatchObject({ to_address: knownEmail, text_body: null, html_body: null });
    expect(outbox[0].dedupe_key).toMatch(/^sign-in:[0-9a-f-]{36}$/);
    expect(app.mail.messages().filter((m) => m.to.includes('nobody-here@example.org'))).toEqual([]);

    // A mail scanner opening the link sends no token (it is in the fragment): nothing is used.
    await app.http.get('/donor/sign-in');
    const first = await verify(token).expect(200);
    expect(first.body).toEqual({
      accessToken: expect.stringMatching(/^dst_[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
    const ttl = new Date(first.body.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(115 * 60_000);
    expect(ttl).toBeLessThanOrEqual(120 * 60_000);
    const { rows: sessions } = await app.db.query(`SELECT token_hash FROM donor_sessions`);
    expect(sessions).toEqual([{ token_hash: sha256(first.body.accessToken) }]);

    const again = await verify(token).expect(401);
    expect(again.body.message).toBe(INVALID_LINK);
    expect((await verify('x'.repeat(43)).expect(401)).body.message).toBe(INVALID_LINK);
    // Neither the link, the access token nor the address reaches a log line.
    expect(app.logs()).not.toContain(token);
    expect(app.logs()).not.toContain(first.body.accessToken);
    expect(app.logs()).not.toContain(knownEmail);
  });

  it('lets only one of several simultaneous verifies of a link through', async () => {
    await requestLink(knownEmail).expect(202);
    const token = tokenOf(await nextSignInMail());
    const results = await Promise.all([verify(token), verify(token), verify(token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });

  it('refuses an expired link', async () => {
    await requestLink(knownEmail).expect(202);
    const token = tokenOf(await nextSignInMail());
    await app.db.query(
      `UPDATE donor_sign_in_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`,
      [sha256(token)],
    );
    expect((await verify(token).expect(401)).body.message).toBe(INVALID_LINK);
  });

  it('lists only the signed-in donor’s own paid gifts, newest first, paged', async () => {
    const accessToken = await signIn();
    const res = await app.http
      .get('/v1/donor/donations')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(200);
    // A pending gift may be anyone's request made with this address: only paid ones are shown.
    expect(res.body.data.map((d: { id: string }) => d.id)).toEqual([paidId]);
    expect(res.body.data[0]).toEqual({
      id: paidId,
      campaign: { slug: campaign.slug, title: 'Free the seven' },
      kind: 'one_off',
      amount: 2500,
      currency: 'usd',
      status: 'succeeded',
      refundedAmount: 0,
      createdAt: expect.any(String),
      succeededAt: expect.any(String),
    });
    const ids = JSON.stringify(res.body);
    expect(ids).not.toContain(pendingId);
    expect(ids).not.toContain(othersId);
    expect(ids).not.toContain(failedId);

    const page = await app.http
      .get('/v1/donor/donations')
      .query({ limit: 1, before: res.body.data[0].createdAt })
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(200);
    expect(page.body.data).toEqual([]);
  });

  it('keeps donor tokens and staff keys apart, and signs out', async () => {
    const accessToken = await signIn();
    const onStaff = await app.http
      .get('/v1/admin/api-keys')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(401);
    expect(onStaff.body.message).toBe('The API key is unknown or revoked');
    await app.http
      .get('/v1/donor/donations')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(401);
    await app.http.get('/v1/donor/donations').expect(401);
    await app.http.get('/v1/donor/donations').set('Authorization', 'Bearer dst_nope').expect(401);

    await app.http
      .delete('/v1/donor/sessions/current')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(204);
    const after = await app.http
      .get('/v1/donor/donations')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(401);
    expect(after.body.message).toMatch(/unknown or expired/);
  });

  it('refuses an expired session', async () => {
    const accessToken = await signIn();
    await app.db.query(
      `UPDATE donor_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`,
      [sha256(accessToken)],
    );
    await app.http
      .get('/v1/donor/donations')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(401);
  });

  it('does not send a link to an erased donor', async () => {
    const erased = 'erased.donor@example.org';
    await paidDonation(app, campaign.slug, { email: erased });
    await app.db.query(
      `UPDATE donors SET erased_at = now(), email = NULL, name = NULL WHERE email = $1`,
      [erased],
    );
    const before = await app.db.query(`SELECT count(*)::int AS n FROM outbound_emails`);
    expect((await requestLink(erased).expect(202)).body).toEqual(ACCEPTED);
    // A link asked for afterwards arrives: the erased address's request was done by then.
    await requestLink(knownEmail).expect(202);
    await nextSignInMail();
    const after = await app.db.query(`SELECT count(*)::int AS n FROM outbound_emails`);
    expect(after.rows[0].n).toBe(before.rows[0].n + 1);
    expect(
      app.mail.messages().filter((m) => m.to.includes(erased) && /sign-in/i.test(m.subject)),
    ).toEqual([]);
  });

  it('mails a link only to an address that has given: not to one with only unpaid gifts', async () => {
    const unpaid = 'unpaid.only@example.org';
    await donate(app, campaign.slug, { email: unpaid, amount: 1500 });
    const failed = await donate(app, campaign.slug, { email: 'failed.only@example.org' });
    await app.db.query(`UPDATE donations SET status = 'failed' WHERE id = $1`, [failed.donationId]);
    const answers = [
      await requestLink(unpaid),
      await requestLink('failed.only@example.org'),
      await requestLink('never.seen@example.org'),
      await requestLink(knownEmail),
    ];
    for (const res of answers) {
      expect(res.status).toBe(202);
      expect(res.body).toEqual(ACCEPTED);
      expect(res.headers['content-length']).toBe(answers[3].headers['content-length']);
    }
    await nextSignInMail();
    // The requests for the others were made first; give stragglers a moment anyway.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const others = ['unpaid.only@example.org', 'failed.only@example.org', 'never.seen@example.org'];
    expect(app.mail.messages().filter((m) => others.some((o) => m.to.includes(o)))).toEqual([]);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM outbound_emails WHERE kind = 'sign-in' AND to_address = ANY($1)`,
      [others],
    );
    expect(rows[0].n).toBe(0);
  });

  it('answers before looking the address up: a donors table held locked does not delay the 202', async () => {
    const lock = await app.db.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE donors IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const res = await requestLink(knownEmail).timeout(5000);
      expect(res.status).toBe(202);
      expect(res.body).toEqual(ACCEPTED);
      expect(Date.now() - started).toBeLessThan(2000);
      // The link is made once the table is free again.
      await lock.query('COMMIT');
    } finally {
      lock.release();
    }
    const token = tokenOf(await nextSignInMail());
    await verify(token).expect(200);
  });

  it('makes older unused links invalid when a newer one is asked for', async () => {
    await requestLink(knownEmail).expect(202);
    const older = tokenOf(await nextSignInMail());
    await requestLink(knownEmail).expect(202);
    const newer = tokenOf(await nextSignInMail());
    expect((await verify(older).expect(401)).body.message).toBe(INVALID_LINK);
    await verify(newer).expect(200);
  });

  it('signs out everywhere: DELETE /v1/donor/sessions revokes every session of the donor', async () => {
    const sessions = [await signIn(), await signIn(), await signIn()];
    const others = await (async () => {
      await requestLink('someone.else@example.org').expect(202);
      const mail = await nextSignInMail('someone.else@example.org');
      return (await verify(tokenOf(mail)).expect(200)).body.accessToken as string;
    })();
    const get = (token: string) =>
      app.http.get('/v1/donor/donations').set('Authorization', `Bearer ${token}`);
    for (const token of sessions) await get(token).expect(200);
    await app.http.delete('/v1/donor/sessions').expect(401);
    await app.http
      .delete('/v1/donor/sessions')
      .set('Authorization', `Bearer ${sessions[1]}`)
      .expect(204);
    for (const token of sessions) await get(token).expect(401);
    // Another donor's session is untouched.
    await get(others).expect(200);
  });

  it.each([
    ['/v1/donor/sessions', {}, /^email must be a valid email address/],
    ['/v1/donor/sessions', { email: 'not-an-email' }, /^email must be a valid email address/],
    ['/v1/donor/sessions', { email: 42 }, /^email must be a valid email address/],
    [
      '/v1/donor/sessions',
      { email: knownEmail, remember: true },
      /property remember should not exist/,
    ],
    ['/v1/donor/sessions/verify', {}, /^token must be a string/],
    ['/v1/donor/sessions/verify', { token: 7 }, /^token must be a string/],
  ])('POST %s %j is 400 naming the field', async (path, body, message) => {
    const res = await app.http.post(path).send(body).expect(400);
    expect(res.body.message).toMatch(message);
  });

  it('refuses a bad page query with 400 naming the field', async () => {
    const accessToken = await signIn();
    const res = await app.http
      .get('/v1/donor/donations')
      .query({ limit: 0 })
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(400);
    expect(res.body.message).toMatch(/^limit must not be less than 1/);
  });
});

describe('donor sign-in rate limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ worker: true, env: { RATE_LIMIT_SIGNIN: '2' } });
  });
  afterAll(() => app?.close());

  const requestLink = (email: string, ip: string) =>
    app.http.post('/v1/donor/sessions').set('X-Forwarded-For', ip).send({ email });
  const signInEmails = async (to: string) =>
    (
      await app.db.query(
        `SELECT count(*)::int AS n FROM outbound_emails WHERE kind = 'sign-in' AND to_address = $1`,
        [to],
      )
    ).rows[0].n as number;

  it('sends no more links past RATE_LIMIT_SIGNIN requests an hour per address, answering 202 all the same', async () => {
    const { slug } = await createCampaign(app, await app.createKey('admin'));
    await paidDonation(app, slug, { email: 'limited@example.org' });
    await paidDonation(app, slug, { email: 'sentinel@example.org' });
    for (const email of ['limited@example.org', 'unknown-limited@example.org']) {
      await requestLink(email, '198.51.100.1').expect(202);
      await requestLink(` ${email.toUpperCase()}`, '198.51.100.2').expect(202);
      const third = await requestLink(email, '198.51.100.3').expect(202);
      expect(third.body).toEqual(ACCEPTED);
    }
    // A request made after them is done: so are they.
    await requestLink('sentinel@example.org', '198.51.100.4').expect(202);
    await eventually(async () => (await signInEmails('sentinel@example.org')) === 1);
    // Two links for the known address (the third request sent nothing), none for the other.
    expect(await signInEmails('limited@example.org')).toBe(2);
    expect(await signInEmails('unknown-limited@example.org')).toBe(0);
    // No address or IP appears in a Redis key.
    const keys = await app.api
      .get(QueueService)
      .redis.keys(`${app.queuePrefix}:rate-limit:sign-in:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toMatch(/@|example|198\.51/);
  });

  it('answers 429 past 30 requests an hour from one client, whatever the addresses', async () => {
    for (let i = 0; i < 30; i++) await requestLink(`n${i}@example.org`, '203.0.113.9').expect(202);
    const limited = await requestLink('n30@example.org', '203.0.113.9').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await requestLink('n30@example.org', '203.0.113.10').expect(202);
  });
});
