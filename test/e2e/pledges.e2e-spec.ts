import { startTestApp, TestApp } from '../support/harness';
import {
  createCampaign,
  intentOfClientSecret,
  paidDonation,
  progress,
  settled,
  signIn,
} from '../support/flows';

describe('recurring pledges', () => {
  let app: TestApp;
  let adminKey: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
  });
  afterAll(() => app?.close());

  const pledge = (slug: string, body: Record<string, unknown>) =>
    app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', ...body });

  const installments = async (pledgeId: string) => {
    const { rows } = await app.db.query(
      `SELECT status, amount::int FROM donations WHERE pledge_id = $1 AND kind = 'installment' ORDER BY created_at`,
      [pledgeId],
    );
    return rows;
  };

  const pledgeRow = async (pledgeId: string) =>
    (
      await app.db.query(
        `SELECT status, amount::int, paid_installments FROM pledges WHERE id = $1`,
        [pledgeId],
      )
    ).rows[0];

  it('lives a whole life: paid, renewed, changed, failed, card updated, paused, resumed, canceled', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = 'monthly.donor@example.org';
    const created = await pledge(slug, { email, name: 'Monthly Donor' }).expect(201);
    expect(created.body).toMatchObject({
      pledgeId: expect.any(String),
      subscriptionId: expect.stringMatching(/^sub_/),
      clientSecret: expect.stringMatching(/^pi_.+_secret_/),
      status: 'incomplete',
      amount: 1000,
      currency: 'usd',
      interval: 'month',
    });
    const { pledgeId, subscriptionId } = created.body;

    // The site confirms the first payment.
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);
    expect(await pledgeRow(pledgeId)).toEqual({
      status: 'active',
      amount: 1000,
      paid_installments: 1,
    });
    expect((await progress(app, slug)).raised).toBe(1000);

    for (let i = 0; i < 3; i++)
      await app.standIn.renewSubscription(subscriptionId, { outcome: 'succeed' });
    await settled(app);
    expect(await progress(app, slug)).toMatchObject({
      raised: 4000,
      donationCount: 4,
      donorCount: 1,
    });

    const token = await signIn(app, email);
    const donor = (method: 'get' | 'post' | 'patch', path: string) =>
      app.http[method](path).set('Authorization', `Bearer ${token}`);

    const changed = await donor('patch', `/v1/donor/pledges/${pledgeId}`)
      .send({ amount: 1500 })
      .expect(200);
    expect(changed.body).toMatchObject({ id: pledgeId, amount: 1500, status: 'active' });
    await app.standIn.renewSubscription(subscriptionId, { outcome: 'succeed' });
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(5500);

    // The card fails: past_due, and the donor is told.
    await app.standIn.renewSubscription(subscriptionId, {
      outcome: 'fail',
      decline_code: 'insufficient_funds',
    });
    await settled(app);
    expect((await pledgeRow(pledgeId)).status).toBe('past_due');
    const failedMail = await app.mail.waitFor(
      (m) => m.subject === 'Your monthly gift could not be charged',
      15_000,
    );
    expect(failedMail.to).toEqual([email]);
    expect(failedMail.text).toContain(`/donor/pledges/${pledgeId}`);

    // A new card: the open invoice is paid with it.
    const setup = await donor('post', `/v1/donor/pledges/${pledgeId}/payment-method`).expect(201);
    expect(setup.body.clientSecret).toMatch(/^seti_.+_secret_/);
    await app.standIn.succeedSetupIntent(setup.body.setupIntentId);
    await settled(app);
    await settled(app);
    expect(await pledgeRow(pledgeId)).toMatchObject({ status: 'active', paid_installments: 6 });
    expect((await progress(app, slug)).raised).toBe(7000);

    const paused = await donor('post', `/v1/donor/pledges/${pledgeId}/pause`).send({}).expect(201);
    expect(paused.body.status).toBe('paused');
    await app.standIn.renewSubscription(subscriptionId, { outcome: 'succeed' });
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(7000);
    expect(
      (await donor('post', `/v1/donor/pledges/${pledgeId}/resume`).expect(201)).body.status,
    ).toBe('active');

    const canceled = await donor('post', `/v1/donor/pledges/${pledgeId}/cancel`).expect(201);
    expect(canceled.body).toMatchObject({
      status: 'canceled',
      cancelReason: 'cancellation_requested',
    });
    await settled(app);
    const conflict = await donor('patch', `/v1/donor/pledges/${pledgeId}`)
      .send({ amount: 2000 })
      .expect(409);
    expect(conflict.body.message).toBe('The pledge is canceled: you cannot change its amount');

    // Each installment counted once; the donor's history shows them.
    const rows = await installments(pledgeId);
    expect(rows.filter((r) => r.status === 'succeeded').map((r) => r.amount)).toEqual([
      1000, 1000, 1000, 1000, 1500, 1500,
    ]);
    const history = await donor('get', '/v1/donor/donations').expect(200);
    expect(
      history.body.data.filter(
        (d: { pledgeId?: string; status: string }) =>
          d.pledgeId === pledgeId && d.status === 'succeeded',
      ),
    ).toHaveLength(6);
    const listed = await donor('get', '/v1/donor/pledges').expect(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ id: pledgeId, status: 'canceled', paidInstallments: 6 }),
    ]);

    // Late and repeated events change nothing now.
    const subEvents = (await app.standIn.events()).filter(
      (e) =>
        e.type.startsWith('customer.subscription') && JSON.stringify(e).includes(subscriptionId),
    );
    await app.standIn.redeliverEvents(subEvents.map((e) => e.id));
    await settled(app);
    expect(await pledgeRow(pledgeId)).toMatchObject({ status: 'canceled', amount: 1500 });
  });

  it('asks the donor to authenticate, and when Stripe gives up, cancels with that reason and tells the donor', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = 'gives-up@example.org';
    const created = await pledge(slug, { email }).expect(201);
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await app.standIn.renewSubscription(created.body.subscriptionId, {
      outcome: 'requires_action',
    });
    await settled(app);
    const confirm = await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === 'Please confirm your gift',
      15_000,
    );
    expect(confirm.text).toMatch(/Confirm the payment: http/);

    await app.standIn.giveUpSubscription(created.body.subscriptionId);
    await settled(app);
    expect(await pledgeRow(created.body.pledgeId)).toMatchObject({ status: 'canceled' });
    const { rows } = await app.db.query(`SELECT cancel_reason FROM pledges WHERE id = $1`, [
      created.body.pledgeId,
    ]);
    expect(rows[0].cancel_reason).toBe('payment_failed');
    await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === 'Your recurring gift has stopped',
      15_000,
    );
    // One email per cause, even when the events come again.
    const again = (await app.standIn.events())
      .filter((e) => e.type === 'customer.subscription.deleted')
      .map((e) => e.id);
    await app.standIn.redeliverEvents(again);
    await settled(app);
    const stopped = await app.db.query(
      `SELECT count(*)::int AS n FROM outbound_emails WHERE kind = 'pledge-canceled-unpaid' AND to_address = $1`,
      [email],
    );
    expect(stopped.rows[0].n).toBe(1);
  });

  it('emails nobody about a pledge that never paid: an email given by a stranger gets no notice', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const victim = 'never-asked@example.org';
    // Someone starts a pledge with another person's address, and a name of their choosing.
    const created = await pledge(slug, { email: victim, name: 'Pay up now' }).expect(201);
    const firstIntent = intentOfClientSecret(created.body.clientSecret);
    await app.standIn.requireActionPaymentIntent(firstIntent);
    await settled(app);
    await app.standIn.failPaymentIntent(firstIntent, { decline_code: 'card_declined' });
    await settled(app);
    await app.standIn.giveUpSubscription(created.body.subscriptionId);
    await settled(app);
    expect(await pledgeRow(created.body.pledgeId)).toMatchObject({ paid_installments: 0 });
    // The events that would tell a paying donor all arrived and were processed...
    const { rows: events } = await app.db.query(
      `SELECT DISTINCT type FROM stripe_events WHERE status = 'processed'`,
    );
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['invoice.payment_failed', 'customer.subscription.deleted']),
    );
    // ...and none of them mailed the address.
    const { rows } = await app.db.query(`SELECT kind FROM outbound_emails WHERE to_address = $1`, [
      victim,
    ]);
    expect(rows).toEqual([]);
    expect(app.mail.messages().filter((m) => m.to.includes(victim))).toEqual([]);
  });

  it('completes a 12-installment pledge after its twelfth payment and charges no more', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const created = await pledge(slug, { email: 'twelve@example.org', installments: 12 }).expect(
      201,
    );
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);
    for (let i = 0; i < 11; i++)
      await app.standIn.renewSubscription(created.body.subscriptionId, { outcome: 'succeed' });
    await settled(app);
    await settled(app);
    expect(await pledgeRow(created.body.pledgeId)).toMatchObject({
      status: 'completed',
      paid_installments: 12,
    });
    const subscription = await app.stripe.subscriptions.retrieve(created.body.subscriptionId);
    expect(subscription.status).toBe('canceled');
    expect((await progress(app, slug)).raised).toBe(12_000);
  });

  it('gets the final state right from out-of-order, stale and concurrent events', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await app.standIn.pauseDeliveries();
    const created = await pledge(slug, { email: 'order@example.org' }).expect(201);
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await app.standIn.renewSubscription(created.body.subscriptionId, { outcome: 'succeed' });
    const events = (await app.standIn.events()).filter((e) =>
      JSON.stringify(e).includes(created.body.subscriptionId),
    );
    const updated = events
      .filter((e) => e.type === 'customer.subscription.updated')
      .map((e) => e.id);
    const createdEvent = events
      .filter((e) => e.type === 'customer.subscription.created')
      .map((e) => e.id);
    const paid = events.filter((e) => e.type === 'invoice.paid').map((e) => e.id);
    // .updated before .created, then invoice.paid ten times at once.
    await app.standIn.redeliverEvents([...updated.reverse(), ...createdEvent]);
    await Promise.all(Array.from({ length: 10 }, () => app.standIn.redeliverEvents(paid)));
    await app.standIn.resumeDeliveries();
    await settled(app);
    expect(await pledgeRow(created.body.pledgeId)).toMatchObject({
      status: 'active',
      paid_installments: 2,
    });
    expect(
      (await installments(created.body.pledgeId)).filter((r) => r.status === 'succeeded'),
    ).toHaveLength(2);
    expect((await progress(app, slug)).raised).toBe(2000);

    // A stale `active` after the deletion does not bring it back.
    await app.http
      .post(`/v1/admin/pledges/${created.body.pledgeId}/cancel`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(201);
    await settled(app);
    await app.standIn.redeliverEvents(updated);
    await settled(app);
    expect((await pledgeRow(created.body.pledgeId)).status).toBe('canceled');
  });

  it('replaces a campaign Product that Stripe no longer has (another account, a restarted stand-in)', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const first = await pledge(slug, { email: 'first@example.org' }).expect(201);
    const productOf = async () =>
      (await app.db.query(`SELECT stripe_product_id AS id FROM campaigns WHERE slug = $1`, [slug]))
        .rows[0].id as string;
    const original = await productOf();
    expect(original).toMatch(/^prod_/);
    const sub = await app.stripe.subscriptions.retrieve(first.body.subscriptionId);
    expect(sub.items.data[0].price.product).toBe(original);
    // As after `npm run dev` restarts its stand-in, or a switch to live keys: the stored
    // Product is unknown to Stripe. The next pledge still starts, on a new Product.
    await app.db.query(`UPDATE campaigns SET stripe_product_id = 'prod_gone' WHERE slug = $1`, [
      slug,
    ]);
    const second = await pledge(slug, { email: 'second@example.org' }).expect(201);
    const replaced = await productOf();
    expect(replaced).toMatch(/^prod_/);
    expect(replaced).not.toBe('prod_gone');
    const next = await app.stripe.subscriptions.retrieve(second.body.subscriptionId);
    expect(next.items.data[0].price.product).toBe(replaced);
  });

  it('refuses bad input with 4xx naming the field, changing nothing', async () => {
    const { slug } = await createCampaign(app, adminKey, { minAmount: 500 });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ interval: 'day' }, /^interval must be week, month, quarter or year/],
      [{ installments: 0 }, /^installments must be a positive integer/],
      [{ installments: 2.5 }, /^installments must be a positive integer/],
      [{ amount: 100 }, /^amount must be at least 500/],
      [{ frequency: 'often' }, /property frequency should not exist/],
    ];
    for (const [body, message] of cases) {
      const res = await pledge(slug, { email: 'bad@example.org', ...body }).expect(400);
      expect(res.body.message).toMatch(message);
    }
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM pledges p JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = $1`,
      [slug],
    );
    expect(rows[0].n).toBe(0);
  });

  it('keeps donors to their own pledges; staff see all and filter by status', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const mine = await pledge(slug, { email: 'owner@example.org' }).expect(201);
    await pledge(slug, { email: 'other@example.org' }).expect(201);
    // Sign-in links go only to donors who have given.
    await paidDonation(app, slug, { email: 'other@example.org' });
    const otherToken = await signIn(app, 'other@example.org');
    await app.http
      .get(`/v1/donor/pledges/${mine.body.pledgeId}`)
      .set('Authorization', `Bearer ${otherToken}`)
      .expect(404);
    await app.http
      .post(`/v1/donor/pledges/${mine.body.pledgeId}/cancel`)
      .set('Authorization', `Bearer ${otherToken}`)
      .expect(404);
    await app.http
      .get('/v1/admin/pledges')
      .set('Authorization', `Bearer ${otherToken}`)
      .expect(401);
    const incomplete = await app.http
      .get('/v1/admin/pledges?status=incomplete')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(200);
    expect(incomplete.body.data.map((p: { id: string }) => p.id)).toContain(mine.body.pledgeId);
    expect(incomplete.body.data.every((p: { status: string }) => p.status === 'incomplete')).toBe(
      true,
    );
    await app.http
      .get('/v1/admin/pledges?status=sleeping')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(400);
  });
});
