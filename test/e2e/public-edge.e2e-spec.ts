import { randomBytes } from 'node:crypto';
import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, paidDonation, settled, signIn } from '../support/flows';

/**
 * What someone who knows only an email address or a slug can make the public edge do, beyond
 * the gift-identity and erasure specs: each case here was found trying it as an attacker.
 */
describe('the public edge, tried as an attacker', () => {
  let app: TestApp;
  let adminKey: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
  });
  afterAll(() => app?.close());

  const tag = () => randomBytes(4).toString('hex');

  it('publishes no message of an anonymous gift: a message can name its writer', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const quiet = `Stay strong, from Fatima in Tabriz ${tag()}`;
    const open = `Free them all ${tag()}`;
    await paidDonation(app, slug, { message: quiet });
    await paidDonation(app, slug, { message: open, displayName: 'J.' });
    const page = (await app.http.get(`/v1/campaigns/${slug}`).expect(200)).body;
    const shown = page.recentSupporters.data.map((s: { displayName: string; message: string }) => [
      s.displayName,
      s.message,
    ]);
    expect(shown).toEqual(
      expect.arrayContaining([
        ['Anonymous', null],
        ['J.', open],
      ]),
    );
    expect(JSON.stringify(page)).not.toContain('Tabriz');
  });

  it('shows a signed-in donor only paid gifts, not requests others made with their address', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = `owner.${tag()}@example.org`;
    const paid = await paidDonation(app, slug, { email, amount: 2500 });
    // Someone else starts (and never pays) a gift with the same address.
    const stranger = await donate(app, slug, { email, amount: 777, name: 'Not the owner' });
    const token = await signIn(app, email);
    const gifts = (
      await app.http.get('/v1/donor/donations').set('Authorization', `Bearer ${token}`).expect(200)
    ).body.data as { id: string; amount: number; status: string }[];
    expect(gifts.map((g) => [g.id, g.amount, g.status])).toEqual([
      [paid.donationId, 2500, 'succeeded'],
    ]);
    expect(gifts.map((g) => g.id)).not.toContain(stranger.donationId);
  });

  it('refuses a form post (which any site can send cross-site without a preflight): no mail goes out', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = `formed.${tag()}@example.org`;
    await paidDonation(app, slug, { email });
    const before = app.mail.messages().length;
    const res = await app.http
      .post('/v1/donor/sessions')
      .type('form')
      .send(`email=${encodeURIComponent(email)}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed' });
    expect(res.body.message).toMatch(/email/);
    await settled(app);
    await new Promise((r) => setTimeout(r, 500));
    // (The gift's receipt may still be arriving: only a sign-in link would be this request's.)
    const links = app.mail
      .messages()
      .slice(before)
      .filter((m) => m.to.includes(email) && /sign-in#token=/.test(m.text ?? ''));
    expect(links).toEqual([]);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM outbound_emails WHERE kind = 'sign-in' AND to_address = $1`,
      [email],
    );
    expect(rows[0].n).toBe(0);
  });

  it('answers a NUL character with a 400 naming the field, not a 500', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [`/v1/campaigns/${slug}/donations`, { name: 'Ma\u0000ryam' }, /^name must not/],
      [
        `/v1/campaigns/${slug}/donations`,
        { address: { line1: '1 Rue\u0000', city: 'Paris', postalCode: '75001', country: 'FR' } },
        /^address\.line1 must not/,
      ],
      [`/v1/campaigns/${slug}/pledges`, { name: 'x\u0000', interval: 'month' }, /^name must not/],
    ];
    for (const [path, extra, message] of cases) {
      const res = await app.http
        .post(path)
        .send({ amount: 2500, currency: 'usd', email: `nul.${tag()}@example.org`, ...extra });
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 400,
        code: 'validation_failed',
      });
      expect(res.body.message).toMatch(message);
    }
    const bySlug = await app.http.get(`/v1/campaigns/${encodeURIComponent('a\u0000b')}`);
    expect(bySlug.status).toBe(400);
    expect(bySlug.body.message).toMatch(/^slug must not contain a NUL/);
  });
});
