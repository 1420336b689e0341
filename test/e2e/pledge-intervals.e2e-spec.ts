import Stripe from 'stripe';
import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, intentOfClientSecret, progress, settled, signIn } from '../support/flows';
import { pdfText } from '../support/pdf-text';

const DAY = 86_400_000;

/**
 * Weekly and quarterly pledges (besides monthly and yearly): Stripe bills a week as week/1 and a
 * quarter as month/3, from the first price to a changed amount and a Checkout session's; each
 * renewal is an installment that counts; donors read "weekly" and "quarterly"; the finance
 * report's monthly figure weighs them right.
 */
describe('weekly and quarterly pledges', () => {
  let app: TestApp;
  let adminKey: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
  });
  afterAll(() => app?.close());

  const pledge = (slug: string, body: Record<string, unknown>) =>
    app.http.post(`/v1/campaigns/${slug}/pledges`).send({ amount: 1000, currency: 'usd', ...body });

  /** The cadence Stripe bills the subscription at, as the stand-in holds it. */
  const billedEvery = async (subscriptionId: string) => {
    const sub = await app.stripe.subscriptions.retrieve(subscriptionId);
    const { price } = sub.items.data[0];
    return {
      interval: price.recurring?.interval,
      count: price.recurring?.interval_count,
      amount: price.unit_amount,
    };
  };

  const pledgeRow = async (pledgeId: string) =>
    (
      await app.db.query(
        `SELECT status, interval, amount::int, paid_installments, current_period_end
           FROM pledges WHERE id = $1`,
        [pledgeId],
      )
    ).rows[0];

  const paidInstallments = async (pledgeId: string) =>
    (
      await app.db.query(
        `SELECT amount::int FROM donations
          WHERE pledge_id = $1 AND kind = 'installment' AND status = 'succeeded'
          ORDER BY created_at`,
        [pledgeId],
      )
    ).rows.map((r) => r.amount);

  it('starts, renews and counts a weekly and a quarterly pledge, billed week/1 and month/3', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const weekly = await pledge(slug, { interval: 'week', email: 'weekly@example.org' }).expect(
      201,
    );
    const quarterly = await pledge(slug, {
      interval: 'quarter',
      amount: 3000,
      email: 'quarterly@example.org',
    }).expect(201);
    expect(weekly.body).toMatchObject({ status: 'incomplete', interval: 'week', amount: 1000 });
    expect(quarterly.body).toMatchObject({
      status: 'incomplete',
      interval: 'quarter',
      amount: 3000,
    });
    expect(await billedEvery(weekly.body.subscriptionId)).toEqual({
      interval: 'week',
      count: 1,
      amount: 1000,
    });
    expect(await billedEvery(quarterly.body.subscriptionId)).toEqual({
      interval: 'month',
      count: 3,
      amount: 3000,
    });

    for (const started of [weekly, quarterly])
      await app.standIn.succeedPaymentIntent(intentOfClientSecret(started.body.clientSecret));
    await settled(app);
    const w1 = await pledgeRow(weekly.body.pledgeId);
    const q1 = await pledgeRow(quarterly.body.pledgeId);
    expect(w1).toMatchObject({ status: 'active', interval: 'week', paid_installments: 1 });
    expect(q1).toMatchObject({ status: 'active', interval: 'quarter', paid_installments: 1 });
    expect(await progress(app, slug)).toMatchObject({ raised: 4000, donationCount: 2 });

    // The next installment of each: a week later, three months later, and counted.
    await app.standIn.renewSubscription(weekly.body.subscriptionId, { outcome: 'succeed' });
    await app.standIn.renewSubscription(quarterly.body.subscriptionId, { outcome: 'succeed' });
    await settled(app);
    const w2 = await pledgeRow(weekly.body.pledgeId);
    const q2 = await pledgeRow(quarterly.body.pledgeId);
    expect(w2.current_period_end.getTime() - w1.current_period_end.getTime()).toBe(7 * DAY);
    const quarterDays = (q2.current_period_end.getTime() - q1.current_period_end.getTime()) / DAY;
    expect(quarterDays).toBeGreaterThanOrEqual(89);
    expect(quarterDays).toBeLessThanOrEqual(92);
    expect(w2).toMatchObject({ status: 'active', paid_installments: 2 });
    expect(q2).toMatchObject({ status: 'active', paid_installments: 2 });
    expect(await paidInstallments(weekly.body.pledgeId)).toEqual([1000, 1000]);
    expect(await paidInstallments(quarterly.body.pledgeId)).toEqual([3000, 3000]);
    expect(await progress(app, slug)).toMatchObject({ raised: 8000, donationCount: 4 });

    // The donor portal lists the cadence as the API names it.
    const token = await signIn(app, 'quarterly@example.org');
    const listed = await app.http
      .get('/v1/donor/pledges')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ id: quarterly.body.pledgeId, interval: 'quarter' }),
    ]);

    // The installment's receipt names the pledge's cadence.
    const { rows } = await app.db.query(
      `SELECT r.number FROM receipts r JOIN donations d ON d.id = r.donation_id
        WHERE d.pledge_id = $1 ORDER BY r.issued_at DESC LIMIT 1`,
      [quarterly.body.pledgeId],
    );
    const receipt = await app.mail.waitFor(
      (m) => m.subject === `Your receipt ${rows[0].number}`,
      15_000,
    );
    expect(await pdfText(receipt.attachments[0].content)).toContain(
      `Recurring gift: quarterly pledge ${quarterly.body.pledgeId.slice(0, 8)}`,
    );

    // The finance report's monthly figure: a week is 52/12 of a month, a quarter a third.
    const financeKey = await app.createKey('finance');
    const report = await app.http
      .get('/v1/reports/campaigns')
      .query({ campaign: slug })
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(200);
    expect(report.body.data).toEqual([
      expect.objectContaining({
        campaign: slug,
        currency: 'usd',
        activePledges: 2,
        monthlyRecurring: Math.floor((1000 * 52) / 12) + 3000 / 3,
      }),
    ]);
  });

  it('keeps a quarterly pledge quarterly when its amount changes, and words its email "quarterly"', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = 'changes.quarterly@example.org';
    const created = await pledge(slug, { interval: 'quarter', amount: 3000, email }).expect(201);
    const { pledgeId, subscriptionId } = created.body;
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);

    const token = await signIn(app, email);
    const changed = await app.http
      .patch(`/v1/donor/pledges/${pledgeId}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ amount: 4500 })
      .expect(200);
    expect(changed.body).toMatchObject({ amount: 4500, interval: 'quarter', status: 'active' });
    expect(await billedEvery(subscriptionId)).toEqual({
      interval: 'month',
      count: 3,
      amount: 4500,
    });

    await app.standIn.renewSubscription(subscriptionId, { outcome: 'succeed' });
    await settled(app);
    expect(await paidInstallments(pledgeId)).toEqual([3000, 4500]);
    expect(await pledgeRow(pledgeId)).toMatchObject({ paid_installments: 2, amount: 4500 });
    expect((await progress(app, slug)).raised).toBe(7500);

    // A card that fails: the donor is told of their quarterly gift, not a monthly one.
    await app.standIn.renewSubscription(subscriptionId, {
      outcome: 'fail',
      decline_code: 'insufficient_funds',
    });
    await settled(app);
    const failed = await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === 'Your quarterly gift could not be charged',
      15_000,
    );
    expect(failed.text).toContain('your $45.00 quarterly gift');
  });

  it('starts a quarterly pledge on Stripe Checkout, billed month/3', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const res = await app.http
      .post(`/v1/campaigns/${slug}/checkout-sessions`)
      .send({
        amount: 3000,
        currency: 'usd',
        interval: 'quarter',
        email: 'checkout.quarterly@example.org',
        successUrl: 'https://site.example/thanks',
        cancelUrl: 'https://site.example/donate',
      })
      .expect(201);
    const completed = (await app.standIn.completeCheckoutSession(
      res.body.sessionId,
    )) as Stripe.Checkout.Session;
    await settled(app);
    expect(await billedEvery(String(completed.subscription))).toEqual({
      interval: 'month',
      count: 3,
      amount: 3000,
    });
    const { rows } = await app.db.query(
      `SELECT status, interval, paid_installments FROM pledges WHERE checkout_session_id = $1`,
      [res.body.sessionId],
    );
    expect(rows).toEqual([{ status: 'active', interval: 'quarter', paid_installments: 1 }]);
  });

  it('refuses any other interval, naming the ones it takes, and records nothing', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const res = await pledge(slug, { interval: 'day', email: 'daily@example.org' }).expect(400);
    expect(res.body.message).toMatch(/^interval must be week, month, quarter or year/);
    const checkout = await app.http
      .post(`/v1/campaigns/${slug}/checkout-sessions`)
      .send({
        amount: 3000,
        currency: 'usd',
        interval: 'fortnight',
        email: 'daily@example.org',
        successUrl: 'https://site.example/thanks',
        cancelUrl: 'https://site.example/donate',
      })
      .expect(400);
    expect(checkout.body.errors).toEqual([
      expect.objectContaining({
        field: 'interval',
        code: 'is_in',
        message: 'interval must be week, month, quarter or year',
      }),
    ]);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM pledges p JOIN campaigns c ON c.id = p.campaign_id
        WHERE c.slug = $1`,
      [slug],
    );
    expect(rows[0].n).toBe(0);
  });
});
