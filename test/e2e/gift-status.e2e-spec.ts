import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, progress, settled } from '../support/flows';

/**
 * `GET /v1/donations/:id/status`: a thank-you page asks, with the client secret it was given,
 * whether its gift was counted and under which receipt number. Someone with only the id, or a
 * wrong secret, learns nothing.
 */
describe('gift status for the thank-you page', () => {
  let app: TestApp;
  let adminKey: string;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
    ({ slug } = await createCampaign(app, adminKey));
  });
  afterAll(() => app?.close());

  const status = (id: string, secret?: string) => {
    const req = app.http.get(`/v1/donations/${id}/status`);
    return secret === undefined ? req : req.set('X-Client-Secret', secret);
  };

  it('follows the gift from pending to counted with its receipt number, then refunded', async () => {
    const gift = await donate(app, slug, { amount: 4200 });
    expect((await status(gift.donationId, gift.clientSecret).expect(200)).body).toEqual({
      status: 'pending',
      amount: 4200,
      currency: 'usd',
      counted: false,
      receiptNumber: null,
    });

    await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
    await settled(app);
    const numbered = await eventually(async () => {
      const body = (await status(gift.donationId, gift.clientSecret).expect(200)).body;
      return body.receiptNumber ? body : null;
    }, 15_000);
    const { rows } = await app.db.query(
      `SELECT number FROM receipts WHERE donation_id = $1 AND status = 'issued'`,
      [gift.donationId],
    );
    expect(numbered).toEqual({
      status: 'succeeded',
      amount: 4200,
      currency: 'usd',
      counted: true,
      receiptNumber: rows[0].number,
    });
    expect((await progress(app, slug)).raised).toBe(4200);

    await app.stripe.refunds.create({ payment_intent: gift.paymentIntentId });
    await settled(app);
    expect((await status(gift.donationId, gift.clientSecret).expect(200)).body).toMatchObject({
      status: 'refunded',
      counted: true,
    });
  });

  it('answers an unknown id, a wrong secret and another gift’s secret alike', async () => {
    const mine = await donate(app, slug);
    const theirs = await donate(app, slug);
    const answers = await Promise.all([
      status('00000000-0000-4000-8000-000000000000', mine.clientSecret),
      status('not-a-uuid', mine.clientSecret),
      status(mine.donationId, `${mine.clientSecret}x`),
      status(mine.donationId, theirs.clientSecret),
      status(mine.donationId, mine.paymentIntentId),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        code: answers[0].body.code,
        message: answers[0].body.message,
      });
    }
    const missing = await status(mine.donationId).expect(400);
    expect(missing.body.message).toMatch(/X-Client-Secret/);
    expect(missing.body.code).toEqual(expect.any(String));
  });

  it('keeps working for a gift retried with its Idempotency-Key', async () => {
    const body = { amount: 1500, currency: 'usd', email: 'retry.donor@example.org' };
    const first = await app.http
      .post(`/v1/campaigns/${slug}/donations`)
      .set('Idempotency-Key', 'thank-you-retry-0001')
      .send(body)
      .expect(201);
    const again = await app.http
      .post(`/v1/campaigns/${slug}/donations`)
      .set('Idempotency-Key', 'thank-you-retry-0001')
      .send(body)
      .expect(201);
    expect(again.body.donationId).toBe(first.body.donationId);
    expect(
      (await status(first.body.donationId, again.body.clientSecret).expect(200)).body.status,
    ).toBe('pending');
  });
});
