import { startTestApp, TestApp } from '../support/harness';
import { createCampaign } from '../support/flows';

/** A campaign's `suggestedAmounts`: the buttons the donation form offers, per currency. */
describe('campaign suggested amounts', () => {
  let app: TestApp;
  let adminKey: string;

  beforeAll(async () => {
    app = await startTestApp();
    adminKey = await app.createKey('admin');
  });
  afterAll(() => app?.close());

  const patch = (slug: string, body: Record<string, unknown>) =>
    app.http
      .patch(`/v1/admin/campaigns/${slug}`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send(body);
  const publicView = async (slug: string) =>
    (await app.http.get(`/v1/campaigns/${slug}`).expect(200)).body;

  it('are set at creation and by PATCH, shown publicly, and cleared with null', async () => {
    const { slug } = await createCampaign(app, adminKey, {
      currencies: ['eur'],
      suggestedAmounts: { usd: [5000, 2500], eur: [2000] },
    });
    expect((await publicView(slug)).suggestedAmounts).toEqual({ usd: [2500, 5000], eur: [2000] });

    await patch(slug, { suggestedAmounts: { eur: [1000, 3000, 9000] } }).expect(200);
    expect((await publicView(slug)).suggestedAmounts).toEqual({ eur: [1000, 3000, 9000] });

    await patch(slug, { suggestedAmounts: null }).expect(200);
    expect((await publicView(slug)).suggestedAmounts).toEqual({});
  });

  it('refuses foreign currencies, bad lists and amounts outside the gift limits, field by field', async () => {
    const { slug } = await createCampaign(app, adminKey, { minAmount: 500, maxAmount: 100_000 });
    const res = await patch(slug, {
      suggestedAmounts: { usd: [100, 2500, 200_000, 2.5], gbp: [1000] },
    }).expect(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors).toEqual([
      {
        field: 'suggestedAmounts.usd.0',
        code: 'below_minimum',
        message: expect.stringMatching(/at least.*500/),
      },
      {
        field: 'suggestedAmounts.usd.2',
        code: 'above_maximum',
        message: expect.stringMatching(/at most.*100000/),
      },
      { field: 'suggestedAmounts.usd.3', code: 'is_int', message: expect.any(String) },
      {
        field: 'suggestedAmounts.gbp',
        code: 'not_accepted',
        message: expect.stringMatching(/gbp is not accepted/),
      },
    ]);
    for (const [bad, code] of [
      [{ usd: [] }, 'array_min_size'],
      [{ usd: [1, 2, 3, 4, 5, 6, 7].map((n) => n * 1000) }, 'array_max_size'],
      [{ usd: 2500 }, 'is_array'],
    ] as const)
      expect(
        (await patch(slug, { suggestedAmounts: bad }).expect(400)).body.errors[0],
      ).toMatchObject({ field: 'suggestedAmounts.usd', code });
    expect(
      (await patch(slug, { suggestedAmounts: [2500] }).expect(400)).body.errors[0],
    ).toMatchObject({
      field: 'suggestedAmounts',
      code: 'is_object',
    });
    expect((await publicView(slug)).suggestedAmounts).toEqual({});

    // Limits that move under stored suggestions are refused, naming the suggestion.
    await patch(slug, { suggestedAmounts: { usd: [1000, 5000] } }).expect(200);
    const moved = await patch(slug, { minAmount: 2000 }).expect(400);
    expect(moved.body.errors[0]).toMatchObject({
      field: 'suggestedAmounts.usd.0',
      code: 'below_minimum',
    });
  });

  it('a gift the campaign refuses names its field, so a form can show the error beside it', async () => {
    const { slug } = await createCampaign(app, adminKey, { minAmount: 500 });
    const small = await app.http
      .post(`/v1/campaigns/${slug}/donations`)
      .send({ amount: 100, currency: 'usd', email: 'small@example.org' })
      .expect(400);
    expect(small.body).toMatchObject({
      code: 'validation_failed',
      errors: [
        {
          field: 'amount',
          code: 'below_minimum',
          message: expect.stringMatching(/^amount must be at least 500/),
        },
      ],
    });
    const foreign = await app.http
      .get(`/v1/campaigns/${slug}/quote`)
      .query({ amount: 1000, currency: 'eur' })
      .expect(400);
    expect(foreign.body.errors).toEqual([
      {
        field: 'currency',
        code: 'not_accepted',
        message: expect.stringMatching(/eur is not accepted/),
      },
    ]);
  });
});
