import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate } from '../support/flows';

/**
 * What a site's form needs before a gift exists: the exact charge with or without the fees
 * covered (`GET /v1/campaigns/:slug/quote`), and a browser preflight that lets it send the
 * headers our gift routes read.
 */
describe('quotes and preflight for donation forms', () => {
  let app: TestApp;
  let adminKey: string;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp();
    adminKey = await app.createKey('admin');
    ({ slug } = await createCampaign(app, adminKey, { currencies: ['usd', 'jpy'] }));
  });
  afterAll(() => app?.close());

  const quote = (query: Record<string, string | number | boolean>, campaign = slug) =>
    app.http.get(`/v1/campaigns/${campaign}/quote`).query(query);

  it('quotes the charge a donation with the same fields is then made for', async () => {
    expect((await quote({ amount: 2500, currency: 'usd' }).expect(200)).body).toEqual({
      amount: 2500,
      fee: 0,
      charge: 2500,
      currency: 'usd',
    });
    for (const [amount, currency] of [
      [1000, 'usd'],
      [2500, 'USD'],
      [500, 'jpy'],
    ] as const) {
      const quoted = (await quote({ amount, currency, coverFees: true }).expect(200)).body;
      expect(quoted.fee).toBeGreaterThan(0);
      expect(quoted.charge).toBe(quoted.amount + quoted.fee);
      const gift = await donate(app, slug, { amount, currency, coverFees: true });
      const intent = await app.stripe.paymentIntents.retrieve(gift.paymentIntentId);
      expect({ charge: intent.amount, currency: intent.currency }).toEqual({
        charge: quoted.charge,
        currency: quoted.currency,
      });
    }
    // Nothing is recorded by a quote.
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM donations d JOIN campaigns c ON c.id = d.campaign_id
        WHERE c.slug = $1`,
      [slug],
    );
    expect(rows[0].n).toBe(3);
  });

  it('refuses bad input with a code and a message naming the field', async () => {
    const cases: [Record<string, string | number>, number, RegExp][] = [
      [{ amount: 'ten', currency: 'usd' }, 400, /amount must be an integer/],
      [{ currency: 'usd' }, 400, /amount/],
      [{ amount: 1000, currency: 'dollars' }, 400, /currency must be a three-letter ISO code/],
      [{ amount: 1000, currency: 'eur' }, 400, /currency eur is not accepted/],
      [{ amount: 1000, currency: 'usd', coverFees: 'yes' }, 400, /coverFees must be true or false/],
      [{ amount: 1, currency: 'usd' }, 400, /amount/],
    ];
    for (const [query, status, message] of cases) {
      const res = await quote(query).expect(status);
      expect(res.body.code).toEqual(expect.any(String));
      expect(res.body.message).toEqual(expect.stringMatching(message));
    }
    const unknown = await quote({ amount: 1000, currency: 'usd' }, 'no-such-campaign').expect(404);
    expect(unknown.body.code).toEqual(expect.any(String));
  });

  it('lists each invalid field with a stable code, nested fields by their path', async () => {
    const res = await app.http
      .post(`/v1/campaigns/${slug}/donations`)
      .send({
        amount: 'ten',
        currency: 'usd',
        email: 'not-an-email',
        address: { line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'France' },
        colour: 'red',
      })
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
    const byField = new Map<string, { code: string; message: string }[]>();
    for (const e of res.body.errors as { field: string; code: string; message: string }[]) {
      byField.set(e.field, [...(byField.get(e.field) ?? []), e]);
    }
    expect(byField.get('amount')).toEqual([
      { field: 'amount', code: 'is_int', message: expect.stringMatching(/^amount must be/) },
    ]);
    expect(byField.get('email')?.[0]).toMatchObject({ code: 'is_email' });
    expect(byField.get('address.country')?.[0]).toMatchObject({
      code: 'invalid_format',
      message: 'address.country must be a two-letter country code',
    });
    expect(byField.get('colour')?.[0]).toMatchObject({ code: 'unknown_field' });
    // The message still says it all, for people.
    for (const e of res.body.errors) expect(res.body.message).toContain(e.message);

    const query = await quote({ amount: 'ten', currency: 'usd' }).expect(400);
    expect(query.body.errors).toEqual([
      { field: 'amount', code: 'is_int', message: expect.stringMatching(/^amount must be/) },
    ]);
  });

  it('changes a pending gift’s amount and fee choice on its own PaymentIntent', async () => {
    const gift = await donate(app, slug, { amount: 2000 });
    const change = (
      body: Record<string, unknown>,
      secret = gift.clientSecret,
      id = gift.donationId,
    ) =>
      app.http
        .patch(`/v1/campaigns/${slug}/donations/${id}`)
        .set('X-Client-Secret', secret)
        .send(body);
    const quoted = (await quote({ amount: 2000, currency: 'usd', coverFees: true }).expect(200))
      .body;
    const covered = (await change({ coverFees: true }).expect(200)).body;
    expect(covered).toEqual({
      donationId: gift.donationId,
      paymentIntentId: gift.paymentIntentId,
      amount: quoted.charge,
      intendedAmount: 2000,
      coverFees: true,
      currency: 'usd',
      status: 'pending',
    });
    const intent = async () =>
      (await app.stripe.paymentIntents.retrieve(gift.paymentIntentId)).amount;
    expect(await intent()).toBe(quoted.charge);
    const more = (await change({ amount: 3000, coverFees: false }).expect(200)).body;
    expect(more).toMatchObject({ amount: 3000, intendedAmount: 3000, coverFees: false });
    expect(await intent()).toBe(3000);
    const { rows } = await app.db.query(
      `SELECT amount::int, intended_amount::int, cover_fees, stripe_payment_intent_id FROM donations WHERE id = $1`,
      [gift.donationId],
    );
    expect(rows[0]).toEqual({
      amount: 3000,
      intended_amount: 3000,
      cover_fees: false,
      stripe_payment_intent_id: gift.paymentIntentId,
    });

    // Bad input, and someone who knows only the id, or another gift's secret.
    const bad = await change({ amount: 'lots' }).expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'amount', code: 'is_int' });
    expect((await change({}).expect(400)).body.message).toMatch(/amount, coverFees/);
    const other = await donate(app, slug);
    const wrong = await change({ amount: 100 }, other.clientSecret).expect(404);
    const unknown = await change({ amount: 100 }, gift.clientSecret, other.donationId).expect(404);
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(
      (
        await app.http
          .patch(`/v1/campaigns/${slug}/donations/${gift.donationId}`)
          .send({ amount: 100 })
          .expect(400)
      ).body.message,
    ).toMatch(/X-Client-Secret/);
    expect(await intent()).toBe(3000);

    // Once paid, Stripe refuses a new amount: a conflict, and nothing changes.
    await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
    const late = await change({ amount: 5000 }).expect(409);
    expect(late.body.code).toBe('conflict');
    expect(await intent()).toBe(3000);
  });

  it('answers a browser preflight from an allowed origin for the headers gift routes read', async () => {
    const preflight = await app.http
      .options(`/v1/campaigns/${slug}/donations`)
      .set('Origin', 'https://campaign.example.org')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,idempotency-key,x-client-secret');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://campaign.example.org');
    const allowed = String(preflight.headers['access-control-allow-headers'])
      .toLowerCase()
      .split(',');
    expect(allowed).toEqual(
      expect.arrayContaining(['content-type', 'idempotency-key', 'x-client-secret']),
    );
    const elsewhere = await app.http
      .options(`/v1/campaigns/${slug}/donations`)
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
  });
});
