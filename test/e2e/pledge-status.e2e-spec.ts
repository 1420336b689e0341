import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, intentOfClientSecret, progress, settled } from '../support/flows';

/**
 * `GET /v1/pledges/:id/status`: a thank-you page asks, with the first payment's client secret
 * it was given, whether the pledge's first payment was counted and under which receipt number.
 * Someone with only the id, or a wrong secret, learns nothing.
 */
describe('pledge status for the thank-you page', () => {
  let app: TestApp;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    ({ slug } = await createCampaign(app, await app.createKey('admin')));
  });
  afterAll(() => app?.close());

  const start = (body: Record<string, unknown> = {}) =>
    app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({
        amount: 1200,
        currency: 'usd',
        interval: 'year',
        email: 'yearly@example.org',
        ...body,
      })
      .expect(201)
      .then((res) => res.body as { pledgeId: string; clientSecret: string });

  const status = (id: string, secret?: string) => {
    const req = app.http.get(`/v1/pledges/${id}/status`);
    return secret === undefined ? req : req.set('X-Client-Secret', secret);
  };

  it('follows the pledge from incomplete to active, its first payment counted and receipted', async () => {
    const pledge = await start();
    expect((await status(pledge.pledgeId, pledge.clientSecret).expect(200)).body).toEqual({
      status: 'incomplete',
      amount: 1200,
      currency: 'usd',
      interval: 'year',
      counted: false,
      receiptNumber: null,
    });

    await app.standIn.succeedPaymentIntent(intentOfClientSecret(pledge.clientSecret));
    await settled(app);
    const numbered = await eventually(async () => {
      const body = (await status(pledge.pledgeId, pledge.clientSecret).expect(200)).body;
      return body.receiptNumber ? body : null;
    }, 15_000);
    const { rows } = await app.db.query(
      `SELECT r.number FROM receipts r JOIN donations d ON d.id = r.donation_id
        WHERE d.pledge_id = $1 AND r.status = 'issued'`,
      [pledge.pledgeId],
    );
    expect(numbered).toEqual({
      status: 'active',
      amount: 1200,
      currency: 'usd',
      interval: 'year',
      counted: true,
      receiptNumber: rows[0].number,
    });
    expect((await progress(app, slug)).raised).toBe(1200);
    // Only the hash is kept.
    const stored = await app.db.query(`SELECT client_secret_hash FROM pledges WHERE id = $1`, [
      pledge.pledgeId,
    ]);
    expect(stored.rows[0].client_secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers an unknown id, a wrong secret and another pledge’s secret alike', async () => {
    const mine = await start({ email: 'mine@example.org' });
    const theirs = await start({ email: 'theirs@example.org' });
    const answers = await Promise.all([
      status('00000000-0000-4000-8000-000000000000', mine.clientSecret),
      status('not-a-uuid', mine.clientSecret),
      status(mine.pledgeId, `${mine.clientSecret}x`),
      status(mine.pledgeId, theirs.clientSecret),
      status(mine.pledgeId, intentOfClientSecret(mine.clientSecret)),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        code: 'not_found',
        message: answers[0].body.message,
      });
    }
    expect((await status(mine.pledgeId).expect(400)).body.message).toMatch(/X-Client-Secret/);
  });

  it('keeps working for a pledge retried with its Idempotency-Key', async () => {
    const body = { amount: 900, currency: 'usd', interval: 'month', email: 'retry@example.org' };
    const send = () =>
      app.http
        .post(`/v1/campaigns/${slug}/pledges`)
        .set('Idempotency-Key', 'pledge-thank-you-retry-1')
        .send(body)
        .expect(201);
    const first = await send();
    const again = await send();
    expect(again.body.pledgeId).toBe(first.body.pledgeId);
    expect(
      (await status(first.body.pledgeId, again.body.clientSecret).expect(200)).body,
    ).toMatchObject({ status: 'incomplete', interval: 'month', counted: false });
  });
});
