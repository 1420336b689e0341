import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { eventually, startTestApp, TestApp } from '../support/harness';
import {
  createCampaign,
  intentOfClientSecret,
  ledger,
  paidDonation,
  settled,
  signIn,
} from '../support/flows';

/**
 * Money-side safety (issue #13): no request reaches another donor's card, a gift is charged
 * once however late its retry, keys are per route, refunds never add up to more than the gift,
 * and each currency has its own limits.
 */
describe('money safety', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;
  let slug: string;

  beforeAll(async () => {
    // No SDK retries: a dropped answer reaches our code as the timeout it simulates.
    app = await startTestApp({ worker: true, env: { STRIPE_MAX_NETWORK_RETRIES: '0' } });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    ({ slug } = await createCampaign(app, adminKey));
  });
  afterAll(() => app?.close());

  const key = () => `key-${randomBytes(6).toString('hex')}`;
  const email = () => `donor-${randomBytes(4).toString('hex')}@example.org`;

  const pledge = (body: Record<string, unknown>, idem?: string) => {
    const req = app.http.post(`/v1/campaigns/${slug}/pledges`);
    return (idem ? req.set('Idempotency-Key', idem) : req).send({
      amount: 1000,
      currency: 'usd',
      interval: 'month',
      ...body,
    });
  };
  const donation = (body: Record<string, unknown>, idem?: string, to = slug) => {
    const req = app.http.post(`/v1/campaigns/${to}/donations`);
    return (idem ? req.set('Idempotency-Key', idem) : req).send({
      amount: 2500,
      currency: 'usd',
      ...body,
    });
  };
  const intentsOf = async (donationId: string) =>
    (
      await app.stripe.paymentIntents.search({
        query: `metadata['donation_id']:'${donationId}'`,
        limit: 100,
      })
    ).data;
  const refundsAtStripe = async (paymentIntentId: string) =>
    (await app.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })).data;
  const refund = (donationId: string, body: Record<string, unknown>, idem?: string) => {
    const req = app.http
      .post(`/v1/admin/donations/${donationId}/refunds`)
      .set('Authorization', `Bearer ${financeKey}`);
    return (idem ? req.set('Idempotency-Key', idem) : req).send({ reason: 'asked', ...body });
  };

  describe('Stripe customers', () => {
    it('gives a pledge started with a victim’s email a new customer, never the victim’s card', async () => {
      const victim = email();
      const first = await pledge({ email: victim }).expect(201);
      await app.standIn.succeedPaymentIntent(intentOfClientSecret(first.body.clientSecret));
      await settled(app);
      const victimSub = await app.stripe.subscriptions.retrieve(first.body.subscriptionId);
      expect(victimSub.status).toBe('active');
      expect(victimSub.default_payment_method).toEqual(expect.stringMatching(/^pm_/));

      const attack = await pledge({ email: victim, amount: 5000 }).expect(201);
      const attackSub = await app.stripe.subscriptions.retrieve(attack.body.subscriptionId);
      expect(attackSub.customer).not.toBe(victimSub.customer);
      // Nothing was charged on the attacker's request: the first invoice waits for a card.
      expect(attackSub.status).toBe('incomplete');
      expect(attackSub.default_payment_method).toBeNull();

      // Each pledge's customer is its own, carries our ids and no personal data.
      const { rows } = await app.db.query(
        `SELECT id, stripe_customer_id FROM pledges WHERE id = ANY($1) ORDER BY created_at`,
        [[first.body.pledgeId, attack.body.pledgeId]],
      );
      expect(rows).toEqual([
        { id: first.body.pledgeId, stripe_customer_id: victimSub.customer },
        { id: attack.body.pledgeId, stripe_customer_id: attackSub.customer },
      ]);
      const customer = await app.stripe.customers.retrieve(attackSub.customer as string);
      expect(customer).toMatchObject({
        email: null,
        name: null,
        metadata: { pledge_id: attack.body.pledgeId },
        invoice_settings: { default_payment_method: null },
      });
    });

    it('puts an updated card on the pledge’s subscription only, for the donor and for staff', async () => {
      const donorEmail = email();
      const created = await pledge({ email: donorEmail }).expect(201);
      const { pledgeId, subscriptionId } = created.body;
      await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
      await settled(app);
      const before = await app.stripe.subscriptions.retrieve(subscriptionId);
      const customerId = before.customer as string;

      const token = await signIn(app, donorEmail);
      const setup = await app.http
        .post(`/v1/donor/pledges/${pledgeId}/payment-method`)
        .set('Authorization', `Bearer ${token}`)
        .expect(201);
      const intent = await app.stripe.setupIntents.retrieve(setup.body.setupIntentId);
      expect(intent.customer).toBe(customerId);
      const succeeded = await app.standIn.succeedSetupIntent(setup.body.setupIntentId);
      await settled(app);
      const newCard = succeeded.payment_method as string;
      await eventually(
        async () =>
          (await app.stripe.subscriptions.retrieve(subscriptionId)).default_payment_method ===
          newCard,
      );
      expect(newCard).not.toBe(before.default_payment_method);
      const customer = (await app.stripe.customers.retrieve(customerId)) as Stripe.Customer;
      expect(customer.invoice_settings.default_payment_method).toBeNull();

      // The next installment is charged to the new card.
      const renewed = await app.standIn.renewSubscription(subscriptionId, { outcome: 'succeed' });
      const paid = await app.stripe.invoices.retrieve(renewed.invoice!.id!, {
        expand: ['payments'],
      });
      expect(paid.status).toBe('paid');
      const pi = await app.stripe.paymentIntents.retrieve(
        paid.payments!.data[0].payment.payment_intent as string,
      );
      expect(pi.payment_method).toBe(newCard);

      // Staff's card update goes the same way.
      const staffSetup = await app.http
        .post(`/v1/admin/pledges/${pledgeId}/payment-method`)
        .set('Authorization', `Bearer ${adminKey}`)
        .expect(201);
      const staffCard = (await app.standIn.succeedSetupIntent(staffSetup.body.setupIntentId))
        .payment_method as string;
      await settled(app);
      await eventually(
        async () =>
          (await app.stripe.subscriptions.retrieve(subscriptionId)).default_payment_method ===
          staffCard,
      );
      const after = (await app.stripe.customers.retrieve(customerId)) as Stripe.Customer;
      expect(after.invoice_settings.default_payment_method).toBeNull();
      await settled(app);
    });

    it('keeps an older pledge billed on the donor’s shared customer working', async () => {
      const created = await pledge({ email: email() }).expect(201);
      const { pledgeId, subscriptionId } = created.body;
      // Running (a card update is for a pledge whose first payment is made).
      await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
      await settled(app);
      const sub = await app.stripe.subscriptions.retrieve(subscriptionId);
      // As stored before customers were per pledge: the donor's customer, none on the pledge.
      await app.db.query(
        `UPDATE donors SET stripe_customer_id = $2
           WHERE id = (SELECT donor_id FROM pledges WHERE id = $1)`,
        [pledgeId, sub.customer],
      );
      await app.db.query(`UPDATE pledges SET stripe_customer_id = NULL WHERE id = $1`, [pledgeId]);
      const setup = await app.http
        .post(`/v1/admin/pledges/${pledgeId}/payment-method`)
        .set('Authorization', `Bearer ${adminKey}`)
        .expect(201);
      expect((await app.stripe.setupIntents.retrieve(setup.body.setupIntentId)).customer).toBe(
        sub.customer,
      );
    });
  });

  describe('one charge per gift', () => {
    it('finds the donation’s PaymentIntent on a retry after 24 hours, even when Stripe forgot the key', async () => {
      const idem = key();
      const body = { email: email() };
      const first = await donation(body, idem).expect(201);
      await app.db.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
        [idem],
      );
      app.standIn.forgetIdempotencyKeys();
      const late = await donation(body, idem).expect(201);
      expect(late.body).toMatchObject({
        donationId: first.body.donationId,
        paymentIntentId: first.body.paymentIntentId,
        clientSecret: first.body.clientSecret,
      });
      expect(await intentsOf(first.body.donationId)).toHaveLength(1);
    });

    it('finds the PaymentIntent Stripe made when we died before storing it', async () => {
      const idem = key();
      const body = { email: email() };
      const first = await donation(body, idem).expect(201);
      // The crash: Stripe made the PaymentIntent, our row never learnt its id; a day passes.
      await app.db.query(`UPDATE donations SET stripe_payment_intent_id = NULL WHERE id = $1`, [
        first.body.donationId,
      ]);
      await app.db.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
        [idem],
      );
      app.standIn.forgetIdempotencyKeys();
      const retried = await donation(body, idem).expect(201);
      expect(retried.body.paymentIntentId).toBe(first.body.paymentIntentId);
      expect(await intentsOf(first.body.donationId)).toHaveLength(1);
      const { rows } = await app.db.query(
        `SELECT stripe_payment_intent_id FROM donations WHERE id = $1`,
        [first.body.donationId],
      );
      expect(rows).toEqual([{ stripe_payment_intent_id: first.body.paymentIntentId }]);
    });

    it('finds the pledge’s Subscription Stripe made when we died before storing it', async () => {
      const idem = key();
      const body = { email: email() };
      const first = await pledge(body, idem).expect(201);
      await app.db.query(
        `UPDATE pledges SET stripe_subscription_id = NULL, stripe_subscription_item_id = NULL WHERE id = $1`,
        [first.body.pledgeId],
      );
      await app.db.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
        [idem],
      );
      app.standIn.forgetIdempotencyKeys();
      const retried = await pledge(body, idem).expect(201);
      expect(retried.body).toMatchObject({
        pledgeId: first.body.pledgeId,
        subscriptionId: first.body.subscriptionId,
        clientSecret: first.body.clientSecret,
      });
      const found = await app.stripe.subscriptions.search({
        query: `metadata['pledge_id']:'${first.body.pledgeId}'`,
      });
      expect(found.data.map((s) => s.id)).toEqual([first.body.subscriptionId]);
    });
  });

  describe('Idempotency-Keys', () => {
    it('scopes a key to its route: the same key on donations and pledges is two requests', async () => {
      const idem = key();
      const donor = email();
      const gift = await donation({ email: donor }, idem).expect(201);
      const monthly = await pledge({ email: donor }, idem).expect(201);
      expect(monthly.body.pledgeId).not.toBe(gift.body.donationId);
      expect(monthly.body.subscriptionId).toMatch(/^sub_/);
      const { rows } = await app.db.query(
        `SELECT scope, resource_id FROM idempotency_keys WHERE key = $1 ORDER BY scope`,
        [idem],
      );
      expect(rows).toEqual([
        { scope: 'donation:create', resource_id: gift.body.donationId },
        { scope: 'pledge:create', resource_id: monthly.body.pledgeId },
      ]);
    });

    it('binds a key to its body for 24 hours, then lets another request use it', async () => {
      const idem = key();
      const first = await donation({ email: email() }, idem).expect(201);
      const conflict = await donation({ email: email(), amount: 9900 }, idem).expect(409);
      expect(conflict.body.message).toBe(
        'Idempotency-Key was already used with a different request body',
      );
      await app.db.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
        [idem],
      );
      const reused = await donation({ email: email(), amount: 9900 }, idem).expect(201);
      expect(reused.body.donationId).not.toBe(first.body.donationId);
      expect(reused.body.amount).toBe(9900);
    });

    it('forgets staff keys after 24 hours: retry-stuck prunes them', async () => {
      const idem = key();
      const offline = () =>
        app.http
          .post('/v1/admin/donations')
          .set('Authorization', `Bearer ${adminKey}`)
          .set('Idempotency-Key', idem)
          .send({
            campaign: slug,
            amount: 5000,
            currency: 'usd',
            method: 'cash',
            receivedOn: '2026-11-20',
            reference: 'CASH-1',
            donor: { email: email() },
          });
      await offline().expect(201);
      const stored = await app.db.query(
        `SELECT expires_at > now() + interval '23 hours' AS later FROM idempotency_keys WHERE key = $1`,
        [idem],
      );
      expect(stored.rows).toEqual([{ later: true }]);
      await app.db.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours',
                expires_at = now() - interval '1 hour' WHERE key = $1`,
        [idem],
      );
      await app.http
        .post('/v1/admin/maintenance/retry-stuck/run')
        .set('Authorization', `Bearer ${adminKey}`)
        .expect(202);
      await eventually(async () => {
        const { rows } = await app.db.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [
          idem,
        ]);
        return rows.length === 0;
      }, 15_000);
      // Kept with their gift: a donation's key is not pruned.
      const { rows } = await app.db.query(
        `SELECT count(*)::int AS n FROM idempotency_keys WHERE scope = 'donation:create'`,
      );
      expect(rows[0].n).toBeGreaterThan(0);
    });
  });

  describe('refunds', () => {
    it('five concurrent 40 % refunds of one gift refund at most the gift', async () => {
      const paid = await paidDonation(app, slug, { amount: 10_000, email: email() });
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => refund(paid.donationId, { amount: 4000 }, key())),
      );
      const made = answers.filter((a) => a.status === 201);
      const refused = answers.filter((a) => a.status !== 201);
      expect(made).toHaveLength(2);
      expect(refused).toHaveLength(3);
      for (const answer of refused) {
        expect(answer.status).toBe(409);
        expect(answer.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
        expect(answer.body.message).toMatch(/^amount is more than remains to refund: 2000 /);
      }
      const atStripe = await refundsAtStripe(paid.paymentIntentId);
      expect(atStripe.map((r) => r.amount)).toEqual([4000, 4000]);
      const { rows } = await app.db.query(
        `SELECT status, amount::int, stripe_refund_id FROM staff_refunds WHERE donation_id = $1 ORDER BY sequence`,
        [paid.donationId],
      );
      expect(rows.map((r) => [r.status, r.amount])).toEqual([
        ['made', 4000],
        ['made', 4000],
      ]);
      expect(rows.map((r) => r.stripe_refund_id).sort()).toEqual(atStripe.map((r) => r.id).sort());
      await settled(app);
      const donationRow = await app.db.query(
        `SELECT refunded_amount::int FROM donations WHERE id = $1`,
        [paid.donationId],
      );
      expect(donationRow.rows).toEqual([{ refunded_amount: 8000 }]);
      const entries = await ledger(app, paid.donationId);
      expect(entries.filter((e) => e.kind === 'refund').map((e) => e.amount)).toEqual([
        -4000, -4000,
      ]);

      // What remains is still refundable, and then nothing.
      const rest = await refund(paid.donationId, {}, key()).expect(201);
      expect(rest.body.amount).toBe(2000);
      const none = await refund(paid.donationId, { amount: 1 }, key()).expect(409);
      expect(none.body.message).toBe('Nothing remains to refund: 0');
    });

    it('answers a refund retried after a timeout with the refund Stripe made', async () => {
      const paid = await paidDonation(app, slug, { amount: 10_000, email: email() });
      const idem = key();
      // The first answer and the SDK's own retry of the closed connection are both lost.
      app.standIn.dropResponses('POST', '/v1/refunds', 2);
      const lost = await refund(paid.donationId, { amount: 6000 }, idem).expect(502);
      expect(lost.body.message).toBe(
        'The payment provider did not answer: retry with the same Idempotency-Key',
      );
      // Stripe made it; our row still reserves the amount.
      const [made] = await refundsAtStripe(paid.paymentIntentId);
      expect(made.amount).toBe(6000);
      const concurrent = await refund(paid.donationId, { amount: 5000 }, key()).expect(409);
      expect(concurrent.body.message).toMatch(/^amount is more than remains to refund: 4000 /);

      const retried = await refund(paid.donationId, { amount: 6000 }, idem).expect(201);
      expect(retried.body).toMatchObject({ stripeRefundId: made.id, amount: 6000 });
      // Again a day later, when Stripe no longer knows the key: still that one refund.
      app.standIn.forgetIdempotencyKeys();
      const later = await refund(paid.donationId, { amount: 6000 }, idem).expect(201);
      expect(later.body).toMatchObject({ id: retried.body.id, stripeRefundId: made.id });
      expect(await refundsAtStripe(paid.paymentIntentId)).toHaveLength(1);
      await settled(app);
    });
  });

  describe('limits per currency', () => {
    const admin = (method: 'post' | 'patch', path: string) =>
      app.http[method](path).set('Authorization', `Bearer ${adminKey}`);

    it('holds gifts in every accepted currency to that currency’s limits', async () => {
      const campaign = await createCampaign(app, adminKey, {
        currencies: ['usd', 'eur', 'jpy'],
        minAmount: 500,
        maxAmount: 100_000,
        limits: { eur: { min: 400, max: 90_000 }, jpy: { min: 100, max: 10_000 } },
      });
      expect(campaign).toMatchObject({
        limits: {
          usd: { min: 500, max: 100_000 },
          eur: { min: 400, max: 90_000 },
          jpy: { min: 100, max: 10_000 },
        },
      });
      const to = campaign.slug;
      const tooMuch = await donation(
        { email: email(), currency: 'eur', amount: 90_001 },
        undefined,
        to,
      ).expect(400);
      expect(tooMuch.body.message).toBe('amount must be at most 90000 (€900.00) for this campaign');
      const tooLittle = await donation(
        { email: email(), currency: 'jpy', amount: 99 },
        undefined,
        to,
      ).expect(400);
      expect(tooLittle.body.message).toMatch(/^amount must be at least 100 /);
      await donation({ email: email(), currency: 'eur', amount: 90_000 }, undefined, to).expect(
        201,
      );
      const pledgeTooMuch = await app.http
        .post(`/v1/campaigns/${to}/pledges`)
        .send({ email: email(), amount: 20_000, currency: 'jpy', interval: 'month' })
        .expect(400);
      expect(pledgeTooMuch.body.message).toMatch(/^amount must be at most 10000 /);

      // The goal currency's limits can be sent either way; PATCH replaces the map.
      const patched = await admin('patch', `/v1/admin/campaigns/${to}`)
        .send({
          limits: { usd: { min: 1000, max: 50_000 }, eur: { max: 40_000 }, jpy: { max: 5000 } },
        })
        .expect(200);
      expect(patched.body).toMatchObject({
        minAmount: 1000,
        maxAmount: 50_000,
        limits: {
          usd: { min: 1000, max: 50_000 },
          eur: { min: null, max: 40_000 },
          jpy: { min: null, max: 5000 },
        },
      });
      await donation({ email: email(), currency: 'eur', amount: 40_001 }, undefined, to).expect(
        400,
      );
    });

    it('refuses bad limits with 400 naming the field', async () => {
      const base = {
        slug: `c-${randomBytes(4).toString('hex')}`,
        title: 'Limits',
        goal: { amount: 100_000, currency: 'usd' },
        currencies: ['usd', 'eur'],
      };
      const cases: [Record<string, unknown>, RegExp][] = [
        [
          { limits: { eur: { min: 5000, max: 100 } } },
          /^limits\.eur\.min must not be greater than limits\.eur\.max/,
        ],
        [{ limits: { gbp: { min: 500 } } }, /^limits\.gbp: gbp is not accepted by this campaign/],
        [{ limits: { EUR: { min: 500 } } }, /^limits\.EUR: currency must be a lower-case/],
        [{ limits: { eur: { min: 12.5 } } }, /^limits\.eur\.min must be a positive integer/],
        [{ limits: { eur: { min: 10 } } }, /^limits\.eur\.min: must be at least 50/],
        [{ limits: { eur: { least: 10 } } }, /^limits\.eur\.least is not a limit/],
        [{ limits: { eur: {} } }, /^limits\.eur must set min, max or both/],
        [{ minAmount: 500 }, /^limits\.eur is required/],
        [{ limits: 'cheap' }, /^limits must be an object/],
      ];
      for (const [body, message] of cases) {
        const res = await admin('post', '/v1/admin/campaigns').send({ ...base, ...body });
        expect({ status: res.status, body }).toEqual({ status: 400, body });
        expect(res.body.message).toMatch(message);
      }
    });

    it('refuses a gift in a currency left without limits on a campaign that has them', async () => {
      const campaign = await createCampaign(app, adminKey, {
        currencies: ['usd', 'eur'],
        minAmount: 500,
        limits: { eur: { min: 500 } },
      });
      // As a campaign stored before per-currency limits would be.
      await app.db.query(`UPDATE campaigns SET limits = NULL WHERE slug = $1`, [campaign.slug]);
      const res = await donation(
        { email: email(), currency: 'eur', amount: 1_000_000 },
        undefined,
        campaign.slug,
      ).expect(400);
      expect(res.body.message).toMatch(/^currency eur has no gift limits on this campaign/);
      expect(
        (await admin('patch', `/v1/admin/campaigns/${campaign.slug}`).send({ title: 'Renamed' }))
          .status,
      ).toBe(200);
    });
  });
});
