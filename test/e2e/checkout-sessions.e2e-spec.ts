import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, ledger, progress, settled } from '../support/flows';

/**
 * Stripe Checkout for sites that only want a link: the gift is started by our API, paid on
 * Stripe's page (the stand-in's), and counted, receipted and refunded like any other.
 */
describe('Checkout sessions', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
  });
  afterAll(() => app?.close());

  const email = () => `checkout-${randomBytes(3).toString('hex')}@example.org`;

  const start = (slug: string, body: Record<string, unknown> = {}, idempotencyKey?: string) => {
    const req = app.http.post(`/v1/campaigns/${slug}/checkout-sessions`);
    return (idempotencyKey ? req.set('Idempotency-Key', idempotencyKey) : req).send({
      amount: 2500,
      currency: 'usd',
      email: email(),
      successUrl: 'https://site.example/thanks?session={CHECKOUT_SESSION_ID}',
      cancelUrl: 'https://site.example/donate',
      ...body,
    });
  };

  const donationOfSession = async (sessionId: string) =>
    (
      await app.db.query(
        `SELECT id, status, kind, amount::int, failure_reason, anonymous, display_name,
                stripe_payment_intent_id
           FROM donations WHERE checkout_session_id = $1`,
        [sessionId],
      )
    ).rows[0];

  const receiptsOf = async (donationId: string) =>
    (
      await app.db.query(
        `SELECT number, amount::int FROM receipts WHERE donation_id = $1 ORDER BY issued_at`,
        [donationId],
      )
    ).rows;

  const eventsAbout = async (...ids: string[]) =>
    (await app.standIn.events()).filter((e) => ids.some((id) => JSON.stringify(e).includes(id)));

  it('a one-off gift paid on the Checkout page is counted once, receipted, and the progress rises', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const donor = email();
    const res = await start(slug, { email: donor, displayName: 'A friend', anonymous: false });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['sessionId', 'url']);
    expect(res.body.sessionId).toMatch(/^cs_test_/);
    expect(res.body.url).toMatch(new RegExp(`/c/pay/${res.body.sessionId}$`));

    // What Stripe was asked for: the donor's email, our ids, the site's URLs as written.
    const session = await app.stripe.checkout.sessions.retrieve(res.body.sessionId);
    expect(session).toMatchObject({
      mode: 'payment',
      amount_total: 2500,
      currency: 'usd',
      customer_email: donor,
      customer: null,
      success_url: 'https://site.example/thanks?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://site.example/donate',
    });
    const pending = await donationOfSession(res.body.sessionId);
    expect(pending).toMatchObject({
      status: 'pending',
      kind: 'one_off',
      amount: 2500,
      anonymous: false,
      display_name: 'A friend',
    });
    expect(session.client_reference_id).toBe(pending.id);
    expect(session.metadata).toMatchObject({ donation_id: pending.id });

    await app.standIn.completeCheckoutSession(res.body.sessionId);
    await settled(app);

    const paid = await donationOfSession(res.body.sessionId);
    expect(paid).toMatchObject({
      status: 'succeeded',
      stripe_payment_intent_id: expect.stringMatching(/^pi_/),
    });
    expect((await ledger(app, paid.id)).map((e) => [e.kind, e.amount])).toEqual([
      ['charge', 2500],
      ['fee', expect.any(Number)],
    ]);
    expect(await progress(app, slug)).toMatchObject({ raised: 2500, donationCount: 1 });
    const [receipt] = await receiptsOf(paid.id);
    expect(receipt).toMatchObject({ amount: 2500 });
    await app.mail.waitFor(
      (m) => m.to.includes(donor) && m.subject === `Your receipt ${receipt.number}`,
      15_000,
    );
    const supporters = await app.http.get(`/v1/campaigns/${slug}`).expect(200);
    expect(JSON.stringify(supporters.body)).toContain('A friend');

    // The stored Checkout events keep no email.
    const { rows } = await app.db.query(
      `SELECT payload::text AS payload FROM stripe_events WHERE type LIKE 'checkout.session.%'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.payload).not.toContain(donor);
  });

  it('counts the gift once however its events are duplicated and reordered', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const res = await start(slug, { amount: 4000 }).expect(201);
    await app.standIn.pauseDeliveries();
    const completed = (await app.standIn.completeCheckoutSession(
      res.body.sessionId,
    )) as Stripe.Checkout.Session;
    const events = await eventsAbout(res.body.sessionId, String(completed.payment_intent));
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['checkout.session.completed', 'payment_intent.succeeded']),
    );
    // The session's event alone first: it counts the payment (the PaymentIntent's own events
    // are still held), then every event twice, in both orders, adds nothing.
    const sessionEvent = events.filter((e) => e.type === 'checkout.session.completed');
    await app.standIn.redeliverEvents(sessionEvent.map((e) => e.id));
    await settled(app);
    expect(await progress(app, slug)).toMatchObject({ raised: 4000, donationCount: 1 });
    const ids = events.map((e) => e.id);
    await app.standIn.redeliverEvents([...ids].reverse());
    await app.standIn.redeliverEvents(ids);
    await app.standIn.resumeDeliveries();
    await settled(app);
    await app.standIn.redeliverEvents(ids);
    await settled(app);

    const donation = await donationOfSession(res.body.sessionId);
    expect(donation.status).toBe('succeeded');
    expect((await ledger(app, donation.id)).map((e) => [e.kind, e.amount])).toEqual([
      ['charge', 4000],
      ['fee', expect.any(Number)],
    ]);
    expect(await receiptsOf(donation.id)).toHaveLength(1);
    expect(await progress(app, slug)).toMatchObject({ raised: 4000, donationCount: 1 });
  });

  it('a delayed payment is processing, then counted when it succeeds', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const res = await start(slug).expect(201);
    await app.standIn.completeCheckoutSession(res.body.sessionId, { payment_status: 'unpaid' });
    await settled(app);
    expect((await donationOfSession(res.body.sessionId)).status).toBe('processing');
    expect((await progress(app, slug)).raised).toBe(0);

    await app.standIn.succeedCheckoutAsyncPayment(res.body.sessionId);
    await settled(app);
    const donation = await donationOfSession(res.body.sessionId);
    expect(donation.status).toBe('succeeded');
    expect(await receiptsOf(donation.id)).toHaveLength(1);
    expect((await progress(app, slug)).raised).toBe(2500);
  });

  it('a delayed payment that fails leaves the gift failed and uncounted', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const res = await start(slug).expect(201);
    await app.standIn.completeCheckoutSession(res.body.sessionId, { payment_status: 'unpaid' });
    await app.standIn.failCheckoutAsyncPayment(res.body.sessionId);
    await settled(app);
    const donation = await donationOfSession(res.body.sessionId);
    expect(donation).toMatchObject({
      status: 'failed',
      failure_reason: 'payment_method_provider_decline',
    });
    expect(await ledger(app, donation.id)).toEqual([]);
    expect(await receiptsOf(donation.id)).toEqual([]);
    expect((await progress(app, slug)).raised).toBe(0);
  });

  it('an expired session cancels its gift; a retry of the request then says it has ended', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const body = { email: email() };
    const res = await start(slug, body, 'checkout-expire-0001').expect(201);
    await app.stripe.checkout.sessions.expire(res.body.sessionId);
    await settled(app);
    expect(await donationOfSession(res.body.sessionId)).toMatchObject({
      status: 'canceled',
      failure_reason: 'checkout_expired',
    });
    expect((await progress(app, slug)).raised).toBe(0);
    const retried = await start(slug, body, 'checkout-expire-0001').expect(409);
    expect(retried.body).toMatchObject({ code: 'conflict' });
    expect(retried.body.message).toContain('has ended');
  });

  it('a session Stripe refuses to make leaves no gift pending: canceled, and a retry says it has ended', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const gifts = async () =>
      (
        await app.db.query(
          `SELECT d.status, d.failure_reason, p.status AS pledge_status, p.cancel_reason
             FROM campaigns c LEFT JOIN donations d ON d.campaign_id = c.id
             LEFT JOIN pledges p ON p.campaign_id = c.id WHERE c.slug = $1`,
          [slug],
        )
      ).rows;
    await app.standIn.injectFaults({
      kind: 'invalid_request',
      method: 'POST',
      path: '/v1/checkout/sessions',
      times: 2,
    });
    const body = { email: email() };
    const refused = await start(slug, body, 'checkout-refused-0001').expect(422);
    expect(refused.body).toMatchObject({ code: 'unprocessable' });
    expect(refused.body.message).toContain('Stripe refused');
    expect(await gifts()).toEqual([
      {
        status: 'canceled',
        failure_reason: expect.stringContaining('stripe:'),
        pledge_status: null,
        cancel_reason: null,
      },
    ]);
    const retried = await start(slug, body, 'checkout-refused-0001').expect(409);
    expect(retried.body.message).toContain('has ended');
    // A pledge likewise.
    const { slug: other } = await createCampaign(app, adminKey);
    await start(other, { email: email(), interval: 'month' }).expect(422);
    const pledges = await app.db.query(
      `SELECT status, cancel_reason FROM pledges WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = $1)`,
      [other],
    );
    expect(pledges.rows).toEqual([
      { status: 'canceled', cancel_reason: expect.stringContaining('stripe:') },
    ]);
  });

  it('a retried request with the same Idempotency-Key gets the same session; another body is refused', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const body = { email: email(), amount: 3000 };
    const first = await start(slug, body, 'checkout-retry-0001').expect(201);
    const again = await start(slug, body, 'checkout-retry-0001').expect(201);
    expect(again.body).toEqual(first.body);
    const other = await start(slug, { ...body, amount: 3100 }, 'checkout-retry-0001').expect(409);
    expect(other.body.code).toBe('idempotency_conflict');
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM donations WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = $1)`,
      [slug],
    );
    expect(rows[0].n).toBe(1);
  });

  it('with interval, starts a pledge in subscription mode: active, first installment counted once and receipted, whatever the event order', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const donor = email();
    const res = await start(slug, { email: donor, amount: 1500, interval: 'month' }).expect(201);
    const session = await app.stripe.checkout.sessions.retrieve(res.body.sessionId);
    expect(session).toMatchObject({ mode: 'subscription', amount_total: 1500 });
    const { rows: pledges } = await app.db.query(
      `SELECT id, status, amount::int, interval FROM pledges WHERE checkout_session_id = $1`,
      [res.body.sessionId],
    );
    expect(pledges[0]).toMatchObject({ status: 'incomplete', amount: 1500, interval: 'month' });
    const pledgeId = pledges[0].id;

    // The invoice's events reach us before the subscription's and the session's.
    await app.standIn.pauseDeliveries();
    const completed = (await app.standIn.completeCheckoutSession(
      res.body.sessionId,
    )) as Stripe.Checkout.Session;
    expect(completed.subscription).toMatch(/^sub_/);
    const events = await eventsAbout(
      res.body.sessionId,
      String(completed.subscription),
      String(completed.invoice),
    );
    const types = events.map((e) => e.type);
    expect(types.indexOf('checkout.session.completed')).toBeLessThan(
      types.indexOf('customer.subscription.created'),
    );
    expect(types.indexOf('customer.subscription.created')).toBeLessThan(
      types.indexOf('invoice.paid'),
    );
    // invoice.paid alone first, processed before anything links the subscription to the pledge.
    const invoicePaid = events.filter((e) => e.type === 'invoice.paid').map((e) => e.id);
    expect(invoicePaid).toHaveLength(1);
    await app.standIn.redeliverEvents(invoicePaid);
    await settled(app);
    expect(await progress(app, slug)).toMatchObject({ raised: 1500, donationCount: 1 });
    const ids = events.map((e) => e.id);
    await app.standIn.redeliverEvents([...ids].reverse());
    await app.standIn.resumeDeliveries();
    await settled(app);
    await app.standIn.redeliverEvents(ids);
    await settled(app);

    const pledge = (
      await app.db.query(
        `SELECT status, paid_installments, stripe_subscription_id, stripe_customer_id
           FROM pledges WHERE id = $1`,
        [pledgeId],
      )
    ).rows[0];
    // The Customer Checkout made (with the donor's email) is the pledge's: erasure deletes it.
    expect(pledge).toEqual({
      status: 'active',
      paid_installments: 1,
      stripe_subscription_id: completed.subscription,
      stripe_customer_id: completed.customer,
    });
    const { rows: installments } = await app.db.query(
      `SELECT id, status, amount::int FROM donations WHERE pledge_id = $1 AND kind = 'installment'`,
      [pledgeId],
    );
    expect(installments).toEqual([{ id: expect.any(String), status: 'succeeded', amount: 1500 }]);
    expect((await ledger(app, installments[0].id)).map((e) => [e.kind, e.amount])).toEqual([
      ['charge', 1500],
      ['fee', expect.any(Number)],
    ]);
    expect(await progress(app, slug)).toMatchObject({ raised: 1500, donationCount: 1 });
    const [receipt] = await receiptsOf(installments[0].id);
    await app.mail.waitFor(
      (m) => m.to.includes(donor) && m.subject === `Your receipt ${receipt.number}`,
      15_000,
    );
    expect(await receiptsOf(installments[0].id)).toHaveLength(1);

    // The next month is an ordinary installment.
    await app.standIn.renewSubscription(String(completed.subscription), { outcome: 'succeed' });
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(3000);
  });

  it('erasing the donor of a Checkout pledge deletes the Customer (with their email) Checkout made', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const donor = email();
    const res = await start(slug, { email: donor, interval: 'month' }).expect(201);
    const completed = (await app.standIn.completeCheckoutSession(
      res.body.sessionId,
    )) as Stripe.Checkout.Session;
    await settled(app);
    const customerId = String(completed.customer);
    expect((await app.stripe.customers.retrieve(customerId)) as Stripe.Customer).toMatchObject({
      email: donor,
    });
    // Erasure waits for the donor's pledges to end.
    const { rows } = await app.db.query(`SELECT id FROM pledges WHERE checkout_session_id = $1`, [
      res.body.sessionId,
    ]);
    await app.http
      .post(`/v1/admin/pledges/${rows[0].id}/cancel`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(201);
    await settled(app);
    const found = await app.http
      .get(`/v1/admin/donors?email=${encodeURIComponent(donor)}`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(200);
    const erased = await app.http
      .post(`/v1/admin/donors/${found.body.id}/erase`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ confirm: true });
    expect(erased.status).toBeLessThan(300);
    const gone = await app.stripe.customers.retrieve(customerId).then(
      (c) => 'deleted' in c && c.deleted === true,
      (e: { code?: string }) => e.code === 'resource_missing',
    );
    expect(gone).toBe(true);
  });

  it('an expired subscription-mode session cancels its pledge', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const res = await start(slug, { interval: 'year' }).expect(201);
    await app.stripe.checkout.sessions.expire(res.body.sessionId);
    await settled(app);
    const { rows } = await app.db.query(
      `SELECT status, cancel_reason FROM pledges WHERE checkout_session_id = $1`,
      [res.body.sessionId],
    );
    expect(rows[0]).toEqual({ status: 'canceled', cancel_reason: 'checkout_expired' });
  });

  it('finance refunds a Checkout gift through the usual refund route', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const res = await start(slug, { amount: 6000 }).expect(201);
    await app.standIn.completeCheckoutSession(res.body.sessionId);
    await settled(app);
    const donation = await donationOfSession(res.body.sessionId);
    const refund = await app.http
      .post(`/v1/admin/donations/${donation.id}/refunds`)
      .set('Authorization', `Bearer ${financeKey}`)
      .send({ amount: 2000, reason: 'donor asked' })
      .expect(201);
    expect(refund.body).toMatchObject({ amount: 2000, stripeRefundId: expect.any(String) });
    await settled(app);
    expect((await ledger(app, donation.id)).map((e) => [e.kind, e.amount])).toEqual([
      ['charge', 6000],
      ['fee', expect.any(Number)],
      ['refund', -2000],
    ]);
    expect((await progress(app, slug)).raised).toBe(4000);
    const { rows } = await app.db.query(
      `SELECT refunded_amount::int FROM donations WHERE id = $1`,
      [donation.id],
    );
    expect(rows[0].refunded_amount).toBe(2000);
  });

  describe('refuses bad requests with status, code and field', () => {
    let slug: string;
    beforeAll(async () => {
      ({ slug } = await createCampaign(app, adminKey, {
        minAmount: 500,
        maxAmount: 100_000,
      }));
    });

    it.each([
      ['successUrl', 'http://site.example/thanks', 'must be an https URL'],
      ['successUrl', '/thanks', 'must be an absolute URL'],
      ['cancelUrl', 'javascript:alert(1)', 'must be an https URL'],
      ['cancelUrl', 'https://user:secret@site.example/', 'must not carry a user name'],
    ])('%s %s', async (field, value, message) => {
      const res = await start(slug, { [field]: value }).expect(400);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect(res.body.errors).toEqual([
        { field, code: 'return_url', message: expect.stringContaining(`${field} ${message}`) },
      ]);
    });

    it('accepts http only for localhost outside production', async () => {
      await start(slug, {
        successUrl: 'http://localhost:8080/thanks',
        cancelUrl: 'http://127.0.0.1:8080/donate',
      }).expect(201);
    });

    it('refuses an amount below the campaign limit, naming amount', async () => {
      const res = await start(slug, { amount: 100 }).expect(400);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect(res.body.errors).toEqual([
        {
          field: 'amount',
          code: 'below_minimum',
          message: 'amount must be at least 500 ($5.00) for this campaign',
        },
      ]);
    });

    it('refuses a bad interval and a missing successUrl', async () => {
      const res = await start(slug, { interval: 'day', successUrl: undefined }).expect(400);
      const fields = res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]);
      expect(fields).toEqual(
        expect.arrayContaining([
          ['interval', 'is_in'],
          ['successUrl', 'return_url'],
        ]),
      );
    });

    it('answers 404 for an unknown campaign and 409 for a closed one', async () => {
      const missing = await start('no-such-campaign').expect(404);
      expect(missing.body.code).toBe('not_found');
      const closed = await createCampaign(app, adminKey);
      await app.http
        .post(`/v1/admin/campaigns/${closed.slug}/close`)
        .set('Authorization', `Bearer ${adminKey}`)
        .send({})
        .expect(200);
      const res = await start(closed.slug).expect(409);
      expect(res.body.code).toBe('not_active');
      expect(res.body.message).toContain('is closed');
    });
  });
});

describe('Checkout sessions with CHECKOUT_RETURN_HOSTS', () => {
  let app: TestApp;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { CHECKOUT_RETURN_HOSTS: 'site.example,www.site.example' } });
    ({ slug } = await createCampaign(app, await app.createKey('admin')));
  });
  afterAll(async () => {
    await app?.close();
    // The harness leaves an app's variables in process.env: later apps have no list.
    delete process.env.CHECKOUT_RETURN_HOSTS;
  });

  const start = (urls: { successUrl: string; cancelUrl: string }) =>
    app.http.post(`/v1/campaigns/${slug}/checkout-sessions`).send({
      amount: 2500,
      currency: 'usd',
      email: 'listed.hosts@example.org',
      ...urls,
    });

  it('sends donors back only to the listed sites (and localhost, outside production)', async () => {
    await start({
      successUrl: 'https://WWW.site.example/thanks',
      cancelUrl: 'http://localhost:8080/donate',
    }).expect(201);
    const res = await start({
      successUrl: 'https://site.example/thanks',
      cancelUrl: 'https://site.example.attacker.test/donate',
    }).expect(400);
    expect(res.body).toMatchObject({ code: 'validation_failed' });
    expect(res.body.errors).toEqual([
      {
        field: 'cancelUrl',
        code: 'return_host_not_allowed',
        message:
          "cancelUrl must lead to one of this service's campaign sites (site.example, www.site.example)",
      },
    ]);
    expect((await app.db.query(`SELECT count(*)::int AS n FROM donations`)).rows[0].n).toBe(1);
  });
});
