import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, paidDonation, progress } from '../support/flows';

describe('campaigns: staff manage them, the public sees progress and supporters', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
  });
  afterAll(() => app?.close());

  const admin = (method: 'post' | 'patch', path: string) =>
    app.http[method](path).set('Authorization', `Bearer ${adminKey}`);

  it('creates a campaign with defaults and shows it publicly once active', async () => {
    const created = await admin('post', '/v1/admin/campaigns')
      .send({
        slug: 'free-the-seven',
        title: 'Free the seven',
        goal: { amount: 5_000_000, currency: 'USD' },
      })
      .expect(201);
    expect(created.body).toMatchObject({
      slug: 'free-the-seven',
      status: 'draft',
      goal: { amount: 5_000_000, currency: 'usd' },
      currencies: ['usd'],
      progress: { raised: 0, percent: 0, donationCount: 0, donorCount: 0, currency: 'usd' },
    });
    await app.http.get('/v1/campaigns/free-the-seven').expect(404);

    const updated = await admin('patch', '/v1/admin/campaigns/free-the-seven')
      .send({ status: 'active', currencies: ['eur'], hideAmounts: true })
      .expect(200);
    expect(updated.body).toMatchObject({
      status: 'active',
      currencies: ['usd', 'eur'],
      hideAmounts: true,
    });
    const list = await app.http.get('/v1/campaigns').expect(200);
    expect(list.body.data.map((c: { slug: string }) => c.slug)).toContain('free-the-seven');
  });

  it('answers bad campaign input with 400 naming the field, a taken slug with 409', async () => {
    const base = { slug: 'dup-slug', title: 'T', goal: { amount: 1000, currency: 'usd' } };
    await admin('post', '/v1/admin/campaigns').send(base).expect(201);
    const taken = await admin('post', '/v1/admin/campaigns').send(base).expect(409);
    expect(taken.body.message).toBe('slug "dup-slug" is already used by another campaign');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, slug: 'Bad Slug' }, /^slug must be lower-case letters/],
      [
        { ...base, slug: 'ok-1', goal: { amount: 10.5, currency: 'usd' } },
        /goal.amount must be an integer/,
      ],
      [
        { ...base, slug: 'ok-2', goal: { amount: 1000, currency: 'dollars' } },
        /goal.currency must be a three-letter ISO code/,
      ],
      [{ ...base, slug: 'ok-3', status: 'paused' }, /^status must be one of the following values/],
      [
        { ...base, slug: 'ok-4', minAmount: 5000, maxAmount: 100 },
        /^minAmount must not be greater than maxAmount/,
      ],
      [{ ...base, slug: 'ok-5', minAmount: 10 }, /^minAmount: must be at least 50/],
      [
        { ...base, slug: 'ok-6', startsAt: '2027-01-02', endsAt: '2027-01-01' },
        /^endsAt must be after startsAt/,
      ],
      [{ ...base, slug: 'ok-7', owner: 'me' }, /property owner should not exist/],
    ];
    for (const [body, message] of cases) {
      const res = await admin('post', '/v1/admin/campaigns').send(body).expect(400);
      expect(res.body.message).toMatch(message);
    }
    await admin('patch', '/v1/admin/campaigns/no-such').send({ title: 'x' }).expect(404);
    await app.http.post('/v1/admin/campaigns').send(base).expect(401);
    await app.http
      .post('/v1/admin/campaigns')
      .set('Authorization', `Bearer ${financeKey}`)
      .send(base)
      .expect(403);
  });

  it('lists recent supporters: named only when asked, messages, amounts unless hidden, days, paged', async () => {
    const { slug } = await createCampaign(app, adminKey, {
      goal: { amount: 100_000, currency: 'usd' },
    });
    const firstDay = new Date().toISOString().slice(0, 10);
    await paidDonation(app, slug, {
      amount: 1000,
      name: 'Zahra Public',
      anonymous: false,
      message: 'Free them now',
    });
    await paidDonation(app, slug, {
      amount: 2000,
      name: 'Secret Donor',
      anonymous: true,
      message: 'Courage',
    });
    await paidDonation(app, slug, { amount: 3000 });

    const first = await app.http.get(`/v1/campaigns/${slug}?supportersLimit=2`).expect(200);
    expect(first.body.progress).toEqual({
      raised: 6000,
      currency: 'usd',
      percent: 6,
      donationCount: 3,
      donorCount: 3,
    });
    // The day of each gift (UTC here), not its time; a run across midnight sees either day.
    const today = expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/);
    const days = [firstDay, new Date().toISOString().slice(0, 10)];
    expect(first.body.recentSupporters.data).toEqual([
      {
        displayName: 'Anonymous',
        anonymous: true,
        message: null,
        amount: 3000,
        currency: 'usd',
        at: today,
      },
      {
        displayName: 'Anonymous',
        anonymous: true,
        // An anonymous gift's message is not published: it could name its writer.
        message: null,
        amount: 2000,
        currency: 'usd',
        at: today,
      },
    ]);
    const second = await app.http
      .get(
        `/v1/campaigns/${slug}?supportersLimit=2&supportersCursor=${first.body.recentSupporters.nextCursor}`,
      )
      .expect(200);
    expect(second.body.recentSupporters).toEqual({
      data: [
        {
          displayName: 'Zahra Public',
          anonymous: false,
          message: 'Free them now',
          amount: 1000,
          currency: 'usd',
          at: today,
        },
      ],
      nextCursor: null,
    });

    for (const entry of [...first.body.recentSupporters.data, ...second.body.recentSupporters.data])
      expect(days).toContain(entry.at);

    const everything = JSON.stringify([
      first.body,
      second.body,
      (await app.http.get('/v1/campaigns')).body,
    ]);
    expect(everything).not.toContain('Secret Donor');
    expect(everything).not.toMatch(/@example\.org/);

    await admin('patch', `/v1/admin/campaigns/${slug}`).send({ hideAmounts: true }).expect(200);
    const hidden = await app.http.get(`/v1/campaigns/${slug}`).expect(200);
    expect(hidden.body.recentSupporters.data[0]).toEqual({
      displayName: 'Anonymous',
      anonymous: true,
      message: null,
      at: today,
    });
    await app.http.get(`/v1/campaigns/${slug}?supportersCursor=nonsense`).expect(400);
  });

  it('counts a repeat donor once among distinct donors', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await paidDonation(app, slug, { amount: 1000, email: 'Same.Person@Example.org' });
    await paidDonation(app, slug, { amount: 1500, email: 'same.person@example.org ' });
    expect(await progress(app, slug)).toMatchObject({
      raised: 2500,
      donationCount: 2,
      donorCount: 1,
    });
  });
});
