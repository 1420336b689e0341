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
      [
        { ...base, slug: 'ok-3', status: 'paused' },
        /^status must be draft or active \(close a campaign with POST/,
      ],
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

  it('takes stretch goals and closeAtGoal, refusing bad stretch goals by field with nothing written', async () => {
    const created = await admin('post', '/v1/admin/campaigns')
      .send({
        slug: 'goals-that-grow',
        title: 'Goals that grow',
        goal: { amount: 500_000, currency: 'eur' },
        stretchGoals: [750_000, 1_000_000],
        closeAtGoal: true,
      })
      .expect(201);
    expect(created.body).toMatchObject({
      goal: { amount: 500_000, currency: 'eur' },
      stretchGoals: [750_000, 1_000_000],
      nextGoal: { amount: 500_000, currency: 'eur', percent: 0 },
      goalsReached: 0,
      closeAtGoal: true,
    });
    // Without them: no stretch goal, the goal is the next one, and the campaign stays open.
    const plain = await createCampaign(app, adminKey);
    expect(plain).toMatchObject({
      stretchGoals: [],
      nextGoal: { amount: 1_000_000, currency: 'usd', percent: 0 },
      goalsReached: 0,
      closeAtGoal: false,
    });

    const base = { slug: 'sg-bad', title: 'T', goal: { amount: 500_000, currency: 'eur' } };
    const cases: [unknown, string, RegExp][] = [
      [
        [500_000],
        'stretchGoals.0',
        /^stretchGoals\.0 \(500000\) must be above goal\.amount \(500000\)/,
      ],
      [[400_000], 'stretchGoals.0', /must be above goal\.amount/],
      [
        [900_000, 800_000],
        'stretchGoals.1',
        /^stretchGoals\.1 \(800000\) must be above stretchGoals\.0 \(900000\)/,
      ],
      [[600_000, 600_000], 'stretchGoals.1', /must be above stretchGoals\.0/],
      [[600_000.5], 'stretchGoals', /stretchGoals must be an integer/],
      [[0], 'stretchGoals', /stretchGoals must not be less than 1/],
      [
        Array.from({ length: 11 }, (_, i) => 600_000 + i),
        'stretchGoals',
        /^stretchGoals must contain no more than 10 elements/,
      ],
      ['750000', 'stretchGoals', /stretchGoals must be an array/],
    ];
    for (const [stretchGoals, field, message] of cases) {
      const res = await admin('post', '/v1/admin/campaigns')
        .send({ ...base, stretchGoals })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.message).toMatch(message);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const bool = await admin('post', '/v1/admin/campaigns')
      .send({ ...base, closeAtGoal: 'yes' })
      .expect(400);
    expect(bool.body.message).toMatch(/closeAtGoal must be a boolean/);
    const { rows } = await app.db.query(`SELECT 1 FROM campaigns WHERE slug = 'sg-bad'`);
    expect(rows).toEqual([]);

    // A goal moved above the stored stretch goals is refused, naming the one left behind.
    const moved = await admin('patch', '/v1/admin/campaigns/goals-that-grow')
      .send({ goal: { amount: 800_000, currency: 'eur' }, title: 'Renamed' })
      .expect(400);
    expect(moved.body.message).toBe(
      'stretchGoals.0 (750000) must be above goal.amount (800000): send stretchGoals with the new goal, or [] to remove them',
    );
    expect(moved.body.errors).toEqual([
      { field: 'stretchGoals.0', code: 'out_of_range', message: moved.body.message },
    ]);
    const unchanged = await app.db.query(
      `SELECT title, goal_amount::int AS goal FROM campaigns WHERE slug = 'goals-that-grow'`,
    );
    expect(unchanged.rows).toEqual([{ title: 'Goals that grow', goal: 500_000 }]);
    // A PATCH of stretch goals alone is checked against the stored goal.
    await admin('patch', '/v1/admin/campaigns/goals-that-grow')
      .send({ stretchGoals: [450_000] })
      .expect(400);
    // Sent together, they are checked together; [] removes them.
    const both = await admin('patch', '/v1/admin/campaigns/goals-that-grow')
      .send({ goal: { amount: 800_000, currency: 'eur' }, stretchGoals: [900_000] })
      .expect(200);
    expect(both.body).toMatchObject({
      goal: { amount: 800_000 },
      stretchGoals: [900_000],
      nextGoal: { amount: 800_000 },
      closeAtGoal: true,
    });
    const cleared = await admin('patch', '/v1/admin/campaigns/goals-that-grow')
      .send({ stretchGoals: [], closeAtGoal: false })
      .expect(200);
    expect(cleared.body).toMatchObject({ stretchGoals: [], closeAtGoal: false });
  });

  it('shows the goal as the next goal, then the first stretch goal once gifts reach it', async () => {
    const { slug } = await createCampaign(app, adminKey, {
      goal: { amount: 5000, currency: 'usd' },
      stretchGoals: [8000, 12_000],
    });
    await paidDonation(app, slug, { amount: 3000 });
    const before = await app.http.get(`/v1/campaigns/${slug}`).expect(200);
    expect(before.body).toMatchObject({
      goal: { amount: 5000, currency: 'usd' },
      stretchGoals: [8000, 12_000],
      nextGoal: { amount: 5000, currency: 'usd', percent: 60 },
      goalsReached: 0,
      progress: { raised: 3000, percent: 60 },
    });

    await paidDonation(app, slug, { amount: 2000 });
    const reached = await app.http.get(`/v1/campaigns/${slug}`).expect(200);
    expect(reached.body).toMatchObject({
      // The goal and its percent are as they were: the next goal is beside them.
      goal: { amount: 5000, currency: 'usd' },
      progress: { raised: 5000, percent: 100 },
      nextGoal: { amount: 8000, currency: 'usd', percent: 62.5 },
      goalsReached: 1,
    });
    // The list (what the widget reads) says the same.
    const list = await app.http.get('/v1/campaigns').expect(200);
    expect(list.body.data.find((c: { slug: string }) => c.slug === slug)).toMatchObject({
      nextGoal: { amount: 8000, percent: 62.5 },
      goalsReached: 1,
    });

    await paidDonation(app, slug, { amount: 8000 });
    const all = await app.http.get(`/v1/campaigns/${slug}`).expect(200);
    expect(all.body).toMatchObject({
      progress: { raised: 13_000, percent: 260 },
      nextGoal: { amount: 12_000, currency: 'usd', percent: 108.3 },
      goalsReached: 3,
    });
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
