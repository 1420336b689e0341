import { startTestApp, TestApp } from '../support/harness';
import { createCampaign } from '../support/flows';

describe('one-off donations: starting a payment', () => {
  let app: TestApp;
  let adminKey: string;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_DONATIONS: '1000' } });
    adminKey = await app.createKey('admin');
    ({ slug } = await createCampaign(app, adminKey, {
      currencies: ['usd', 'eur', 'jpy', 'kwd'],
      minAmount: 500,
      maxAmount: 1_000_000,
      // A campaign that limits gifts limits them in every currency it accepts.
      limits: { eur: { max: 1_000_000 }, jpy: { max: 100_000 }, kwd: { max: 10_000_000 } },
    }));
  });
  afterAll(() => app?.close());

  const post = (body: Record<string, unknown>, key?: string, campaign = slug) => {
    const req = app.http.post(`/v1/campaigns/${campaign}/donations`);
    return (key ? req.set('Idempotency-Key', key) : req).send({
      amount: 2500,
      currency: 'usd',
      email: 'Donor@Example.org',
      ...body,
    });
  };

  it('records a pending donation, creates the PaymentIntent and answers with its client secret', async () => {
    const res = await post({
      name: 'Ali',
      message: 'For the seven',
      tribute: { kind: 'in_memory_of', name: 'Their families' },
      address: { line1: '1 Rue X', city: 'Paris', postalCode: '75001', country: 'fr' },
    }).expect(201);
    expect(res.body).toEqual({
      donationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      paymentIntentId: expect.stringMatching(/^pi_/),
      clientSecret: expect.stringMatching(/^pi_.+_secret_/),
      amount: 2500,
      currency: 'usd',
      status: 'pending',
    });
    const intent = await app.stripe.paymentIntents.retrieve(res.body.paymentIntentId);
    expect(intent).toMatchObject({
      amount: 2500,
      currency: 'usd',
      automatic_payment_methods: { enabled: true },
    });
    expect(intent.metadata).toMatchObject({
      donation_id: res.body.donationId,
      campaign_slug: slug,
    });
    expect(JSON.stringify(intent)).not.toMatch(/example\.org/i);

    const { rows } = await app.db.query(
      `SELECT d.status, d.amount::int, d.stripe_payment_intent_id, d.tribute, dn.email,
              d.donor_name, d.donor_address->>'country' AS country, d.anonymous
         FROM donations d JOIN donors dn ON dn.id = d.donor_id WHERE d.id = $1`,
      [res.body.donationId],
    );
    expect(rows[0]).toEqual({
      status: 'pending',
      amount: 2500,
      stripe_payment_intent_id: res.body.paymentIntentId,
      tribute: { kind: 'in_memory_of', name: 'Their families' },
      email: 'donor@example.org',
      // The receipt details are the gift's own; it is private unless asked otherwise.
      donor_name: 'Ali',
      country: 'FR',
      anonymous: true,
    });
  });

  it('makes a retried submit safe with Idempotency-Key: same answer, one PaymentIntent; another body is 409', async () => {
    const first = await post({ amount: 3100 }, 'submit-0001-abc').expect(201);
    const again = await post({ amount: 3100 }, 'submit-0001-abc').expect(201);
    expect(again.body).toEqual(first.body);
    const intents = (await app.stripe.paymentIntents.list({ limit: 100 })).data.filter(
      (pi) => pi.metadata.donation_id === first.body.donationId,
    );
    expect(intents).toHaveLength(1);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM donations WHERE amount = 3100`,
    );
    expect(rows[0].n).toBe(1);

    const conflict = await post({ amount: 3200 }, 'submit-0001-abc').expect(409);
    expect(conflict.body.message).toBe(
      'Idempotency-Key was already used with a different request body',
    );
    await post({}, 'bad key!').expect(400);
  });

  it('grosses the amount up when the donor covers the fees', async () => {
    const res = await post({ amount: 1000, coverFees: true }).expect(201);
    expect(res.body.amount).toBe(1061);
    const { rows } = await app.db.query(
      `SELECT amount::int, intended_amount::int, cover_fees FROM donations WHERE id = $1`,
      [res.body.donationId],
    );
    expect(rows[0]).toEqual({ amount: 1061, intended_amount: 1000, cover_fees: true });
  });

  it('takes zero- and three-decimal currencies as Stripe counts them', async () => {
    const yen = await post({ amount: 500, currency: 'jpy' }).expect(201);
    expect((await app.stripe.paymentIntents.retrieve(yen.body.paymentIntentId)).amount).toBe(500);
    const dinar = await post({ amount: 1250, currency: 'KWD' }).expect(201);
    expect(dinar.body).toMatchObject({ amount: 1250, currency: 'kwd' });
    const odd = await post({ amount: 1255, currency: 'kwd' }).expect(400);
    expect(odd.body.message).toMatch(/^amount in kwd must end in 0/);
  });

  it.each([
    [{ amount: 12.5 }, /^amount must be an integer/],
    [{ amount: '2500' }, /^amount must be an integer/],
    [{ amount: 49, currency: 'eur' }, /^amount must be at least 50/],
    [{ amount: 400 }, /^amount must be at least 500 \(\$5\.00\) for this campaign/],
    [{ amount: 2_000_000 }, /^amount must be at most 1000000 \(\$10,000\.00\) for this campaign/],
    [
      { currency: 'gbp' },
      /^currency gbp is not accepted by this campaign \(accepted: usd, eur, jpy, kwd\)/,
    ],
    [{ email: 'not-an-email' }, /^email must be a valid email address/],
    [{ tribute: { kind: 'for', name: 'x' } }, /^tribute\.kind must be one of/],
    [{ address: { city: 'Paris' } }, /address\.line1 must be/],
    [{ referrer: 'x' }, /^property referrer should not exist/],
  ])('refuses %j with 400 naming the field', async (body, message) => {
    const before = await app.db.query(`SELECT count(*)::int AS n FROM donations`);
    const res = await post(body).expect(400);
    expect(res.body.message).toMatch(message);
    const after = await app.db.query(`SELECT count(*)::int AS n FROM donations`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('answers 404 for an unknown campaign and 409 for one that is not taking gifts', async () => {
    const missing = await post({}, undefined, 'no-such-campaign').expect(404);
    expect(missing.body.message).toBe('No campaign "no-such-campaign"');
    const closed = await createCampaign(app, adminKey);
    await app.http
      .post(`/v1/admin/campaigns/${closed.slug}/close`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send({})
      .expect(200);
    const res = await post({}, undefined, closed.slug).expect(409);
    expect(res.body.message).toBe(`Campaign "${closed.slug}" is closed`);
    const ended = await createCampaign(app, adminKey, {
      startsAt: '2020-01-01T00:00:00Z',
      endsAt: '2021-01-01T00:00:00Z',
    });
    expect((await post({}, undefined, ended.slug).expect(409)).body.message).toMatch(
      /ended on 2021-01-01/,
    );
  });
});

describe('donation rate limit', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_DONATIONS: '3' } });
  });
  afterAll(() => app?.close());

  it('answers 429 with Retry-After past RATE_LIMIT_DONATIONS per minute per client', async () => {
    const { slug } = await createCampaign(app, await app.createKey('admin'));
    const body = { amount: 1000, currency: 'usd', email: 'a@example.org' };
    for (let i = 0; i < 3; i++)
      await app.http.post(`/v1/campaigns/${slug}/donations`).send(body).expect(201);
    const limited = await app.http.post(`/v1/campaigns/${slug}/donations`).send(body).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.message).toMatch(
      /^Too many requests from this client: try again in \d+ seconds/,
    );
    const { rows } = await app.db.query(`SELECT count(*)::int AS n FROM donations`);
    expect(rows[0].n).toBe(3);
  });
});
