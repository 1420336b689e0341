import { randomBytes } from 'node:crypto';
import { eventually, TestApp } from './harness';

/** What a front-end site and staff do, over HTTP, for the tests that need a campaign and gifts. */

export async function createCampaign(
  app: TestApp,
  adminKey: string,
  overrides: Record<string, unknown> = {},
): Promise<{ slug: string; goal: { amount: number; currency: string } }> {
  const res = await app.http
    .post('/v1/admin/campaigns')
    .set('Authorization', `Bearer ${adminKey}`)
    .send({
      slug: `c-${randomBytes(4).toString('hex')}`,
      title: 'Release the seven',
      goal: { amount: 1_000_000, currency: 'usd' },
      status: 'active',
      ...overrides,
    });
  if (res.status !== 201)
    throw new Error(`campaign not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface Donated {
  donationId: string;
  paymentIntentId: string;
  clientSecret: string;
  amount: number;
  currency: string;
  status: string;
}

export async function donate(
  app: TestApp,
  slug: string,
  body: Record<string, unknown> = {},
): Promise<Donated> {
  const res = await app.http.post(`/v1/campaigns/${slug}/donations`).send({
    amount: 2500,
    currency: 'usd',
    email: `donor-${randomBytes(3).toString('hex')}@example.org`,
    ...body,
  });
  if (res.status !== 201)
    throw new Error(`donation not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Waits until Stripe's deliveries are done and every stored event has been handled. */
export async function settled(app: TestApp, timeoutMs = 20_000): Promise<void> {
  await app.standIn.settleDeliveries({ timeout_ms: timeoutMs });
  await eventually(async () => {
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM stripe_events WHERE status = 'pending'`,
    );
    return rows[0].n === 0;
  }, timeoutMs);
  await folded(app, timeoutMs);
}

/** Every ledger entry folded into the stored totals by the worker's folder. */
export async function folded(app: TestApp, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => {
    const { rows } = await app.db.query(`SELECT count(*)::int AS n FROM ledger_unfolded`);
    return rows[0].n === 0;
  }, timeoutMs);
}

export async function progress(app: TestApp, slug: string) {
  const res = await app.http.get(`/v1/campaigns/${slug}`).expect(200);
  return res.body.progress as {
    raised: number;
    percent: number;
    donationCount: number;
    donorCount: number;
    currency: string;
  };
}

/** A donation paid in full: created, confirmed at the stand-in, webhooks processed. */
export async function paidDonation(app: TestApp, slug: string, body: Record<string, unknown> = {}) {
  const donation = await donate(app, slug, body);
  const intent = await app.standIn.succeedPaymentIntent(donation.paymentIntentId);
  await settled(app);
  return { ...donation, chargeId: intent.latest_charge as string };
}

export async function ledger(app: TestApp, donationId: string) {
  const { rows } = await app.db.query(
    `SELECT kind, amount::int, currency, settled_amount::int, settled_currency, stripe_charge_id,
            stripe_balance_transaction_id, stripe_refund_id, stripe_dispute_id
       FROM ledger_entries WHERE donation_id = $1 ORDER BY id`,
    [donationId],
  );
  return rows;
}

/** A donor signs in by the emailed link, as the donor portal does; returns the access token. */
export async function signIn(app: TestApp, email: string): Promise<string> {
  // Only a link sent for this request works: a newer link voids the older ones.
  const earlier = new Set(app.mail.messages().map((m) => m.id));
  await app.http.post('/v1/donor/sessions').send({ email }).expect(202);
  const mail = await app.mail.waitFor(
    (m) =>
      m.to.includes(email.toLowerCase()) &&
      !earlier.has(m.id) &&
      /sign-in#token=/.test(m.text ?? ''),
    15_000,
  );
  const token = /sign-in#token=([A-Za-z0-9_-]+)/.exec(mail.text ?? '')![1];
  const res = await app.http.post('/v1/donor/sessions/verify').send({ token }).expect(200);
  return res.body.accessToken;
}

/** The PaymentIntent of a pledge's first invoice, from the client secret the site receives. */
export function intentOfClientSecret(clientSecret: string): string {
  return clientSecret.split('_secret_')[0];
}
