import { eventually, startTestApp, TestApp } from '../support/harness';
import {
  createCampaign,
  intentOfClientSecret,
  paidDonation,
  progress,
  settled,
  signIn,
} from '../support/flows';
import { pdfText } from '../support/pdf-text';

/**
 * A campaign that ends: staff close it (or its endsAt comes); each donor with a running pledge
 * is emailed once and chooses in their account to move the pledge (same subscription and card)
 * or stop it; a pledge nobody chose for is not charged again once its paid period ends.
 */
describe('closing a campaign with pledges', () => {
  let app: TestApp;
  let adminKey: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true, env: { CAMPAIGN_CLOSE_CHECK_SCHEDULE: '1s' } });
    adminKey = await app.createKey('admin');
  });
  afterAll(() => app?.close());

  const admin = (method: 'get' | 'post' | 'patch', path: string) =>
    app.http[method](path).set('Authorization', `Bearer ${adminKey}`);

  /** A pledge whose first payment is made: active. */
  const activePledge = async (slug: string, email: string, body: Record<string, unknown> = {}) => {
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', email, ...body })
      .expect(201);
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);
    return created.body as { pledgeId: string; subscriptionId: string };
  };

  const pledgeRow = async (pledgeId: string) =>
    (
      await app.db.query(
        `SELECT p.status, c.slug AS campaign, p.ends_at FROM pledges p
           JOIN campaigns c ON c.id = p.campaign_id WHERE p.id = $1`,
        [pledgeId],
      )
    ).rows[0];

  /** Each succeeded installment of the pledge, with the campaign it counts under. */
  const installments = async (pledgeId: string) =>
    (
      await app.db.query(
        `SELECT c.slug AS campaign, d.amount::int FROM donations d
           JOIN campaigns c ON c.id = d.campaign_id
          WHERE d.pledge_id = $1 AND d.kind = 'installment' AND d.status = 'succeeded'
          ORDER BY d.created_at`,
        [pledgeId],
      )
    ).rows;

  const mailsTo = (email: string, subject: RegExp) =>
    app.mail.messages().filter((m) => m.to.includes(email) && subject.test(m.subject));

  const report = async (slug: string) =>
    (await admin('get', `/v1/reports/campaigns?campaign=${slug}`).expect(200)).body.data[0];

  it('closes with a successor: each pledge donor is emailed once, may move or stop; an unanswered pledge is not charged after its period', async () => {
    const closing = await createCampaign(app, adminKey, { title: 'Free the seven' });
    const successor = await createCampaign(app, adminKey, {
      title: 'Protect Camp Ashraf',
      currencies: ['usd', 'eur'],
    });
    const amira = 'amira.closing@example.org';
    const babak = 'babak.closing@example.org';
    const moving = await activePledge(closing.slug, amira);
    const pausedOne = await activePledge(closing.slug, amira, { amount: 2500 });
    const failing = await activePledge(closing.slug, babak);
    const amiraToken = await signIn(app, amira);
    const asAmira = (method: 'get' | 'post', path: string) =>
      app.http[method](path).set('Authorization', `Bearer ${amiraToken}`);
    await asAmira('post', `/v1/donor/pledges/${pausedOne.pledgeId}/pause`).send({}).expect(201);
    await app.standIn.renewSubscription(failing.subscriptionId, { outcome: 'fail' });
    await settled(app);
    expect((await pledgeRow(failing.pledgeId)).status).toBe('past_due');
    // A one-off giver has no pledge: not told.
    await paidDonation(app, closing.slug, { email: 'oneoff.closing@example.org' });

    const closed = await admin('post', `/v1/admin/campaigns/${closing.slug}/close`)
      .send({ successor: successor.slug, message: 'The seven are free. Thank you.' })
      .expect(200);
    expect(closed.body).toMatchObject({
      campaign: { slug: closing.slug, status: 'closed', closedAt: expect.any(String) },
      successor: successor.slug,
      pledges: 3,
      donorsEmailed: 2,
    });

    // New gifts stop at once.
    const refused = await app.http
      .post(`/v1/campaigns/${closing.slug}/donations`)
      .send({ amount: 1000, currency: 'usd', email: 'late@example.org' })
      .expect(409);
    expect(refused.body.code).toBe('not_active');

    // One email per donor, whatever their number of pledges, with the message and the choice.
    const amiraMail = await app.mail.waitFor(
      (m) => m.to.includes(amira) && /has closed/.test(m.subject),
    );
    await app.mail.waitFor((m) => m.to.includes(babak) && /has closed/.test(m.subject));
    expect(amiraMail.text).toContain('The seven are free. Thank you.');
    expect(amiraMail.text).toContain(
      'continue the same gift, on the same card, to Protect Camp Ashraf',
    );
    expect(amiraMail.text).toContain('will not be charged again');
    expect(amiraMail.text).not.toMatch(/oneoff/);
    expect(
      app.mail
        .messages()
        .some((m) => m.to.includes('oneoff.closing@example.org') && /has closed/.test(m.subject)),
    ).toBe(false);

    // Stripe ends each subscription at the end of its paid period; the failed payment is not retried.
    for (const { subscriptionId } of [moving, pausedOne, failing]) {
      await eventually(async () => {
        const sub = await app.stripe.subscriptions.retrieve(subscriptionId);
        return sub.cancel_at_period_end ? sub : null;
      }, 20_000);
    }
    const open = await app.stripe.invoices.list({
      subscription: failing.subscriptionId,
      status: 'open',
    });
    expect(open.data).toHaveLength(0);

    // The donor's account shows the closing and the choice.
    const listed = await asAmira('get', `/v1/donor/pledges/${moving.pledgeId}`).expect(200);
    expect(listed.body).toMatchObject({
      endsAt: expect.any(String),
      closing: {
        message: 'The seven are free. Thank you.',
        successor: { slug: successor.slug, title: 'Protect Camp Ashraf' },
      },
    });

    // On a closed campaign a pledge takes no new amount, pause or resume: it moves or stops.
    for (const [method, path, body] of [
      ['patch', '', { amount: 2000 }],
      ['post', '/pause', {}],
      ['post', '/resume', {}],
    ] as const) {
      const refusedChange = await app.http[method](`/v1/donor/pledges/${pausedOne.pledgeId}${path}`)
        .set('Authorization', `Bearer ${amiraToken}`)
        .send(body)
        .expect(409);
      expect(refusedChange.body.code).toBe('not_active');
    }

    // Amira moves one pledge: same subscription, renewing again, billed under the successor.
    const moved = await asAmira('post', `/v1/donor/pledges/${moving.pledgeId}/move`)
      .send({ campaign: successor.slug })
      .expect(201);
    expect(moved.body).toMatchObject({
      campaign: { slug: successor.slug },
      status: 'active',
      endsAt: null,
      closing: null,
    });
    const sub = await app.stripe.subscriptions.retrieve(moving.subscriptionId);
    expect(sub).toMatchObject({
      cancel_at_period_end: false,
      metadata: expect.objectContaining({ campaign_slug: successor.slug }),
    });
    const successorBefore = (await progress(app, successor.slug)).raised;
    const closingBefore = (await progress(app, closing.slug)).raised;

    // Babak stops his.
    const babakToken = await signIn(app, babak);
    await app.http
      .post(`/v1/donor/pledges/${failing.pledgeId}/cancel`)
      .set('Authorization', `Bearer ${babakToken}`)
      .expect(201);

    // The periods end: the moved pledge's next installment counts under the successor; the
    // unanswered one is not charged, and ends.
    await app.standIn.renewSubscription(moving.subscriptionId, { outcome: 'succeed' });
    await app.standIn.renewSubscription(pausedOne.subscriptionId, { outcome: 'succeed' });
    await settled(app);
    expect(await installments(moving.pledgeId)).toEqual([
      { campaign: closing.slug, amount: 1000 },
      { campaign: successor.slug, amount: 1000 },
    ]);
    expect((await progress(app, successor.slug)).raised).toBe(successorBefore + 1000);
    expect((await progress(app, closing.slug)).raised).toBe(closingBefore);
    expect(await installments(pausedOne.pledgeId)).toEqual([
      { campaign: closing.slug, amount: 2500 },
    ]);
    await eventually(async () =>
      (await pledgeRow(pausedOne.pledgeId)).status === 'canceled' ? true : null,
    );
    expect((await app.stripe.subscriptions.retrieve(pausedOne.subscriptionId)).status).toBe(
      'canceled',
    );

    // The receipt of the moved installment names the successor.
    const number = await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT r.number FROM receipts r JOIN donations d ON d.id = r.donation_id
          WHERE d.pledge_id = $1 AND r.number IS NOT NULL ORDER BY r.issued_at DESC`,
        [moving.pledgeId],
      );
      return rows.length === 2 ? (rows[0].number as string) : null;
    });
    const receipt = await app.mail.waitFor(
      (m) => m.to.includes(amira) && m.subject.includes(number),
    );
    expect(await pdfText(receipt.attachments[0].content)).toContain(
      'Campaign: Protect Camp Ashraf',
    );

    // The closed campaign's report: one moved, one stopped, one ended; the successor's, one in.
    expect((await report(closing.slug)).pledgeClosing).toMatchObject({
      moved: 1,
      stopped: 1,
      ended: 1,
      awaiting: 0,
    });
    expect(await report(successor.slug)).toMatchObject({ pledgeClosing: null, pledgesMovedIn: 1 });

    // Emailed once: the scheduled check (every second here) tells nobody twice.
    await new Promise((r) => setTimeout(r, 2500));
    expect(mailsTo(amira, /has closed/)).toHaveLength(1);
    expect(mailsTo(babak, /has closed/)).toHaveLength(1);
  });

  it('refuses a second close, a bad successor, and PATCH to closed or out of closed', async () => {
    const a = await createCampaign(app, adminKey);
    const draft = await createCampaign(app, adminKey, { status: 'draft' });
    const field = (res: { body: { errors?: { field: string; code: string }[] } }) =>
      res.body.errors?.[0];

    const unknown = await admin('post', `/v1/admin/campaigns/${a.slug}/close`)
      .send({ successor: 'no-such-campaign' })
      .expect(400);
    expect(field(unknown)).toMatchObject({ field: 'successor', code: 'unknown_campaign' });
    const self = await admin('post', `/v1/admin/campaigns/${a.slug}/close`)
      .send({ successor: a.slug })
      .expect(400);
    expect(field(self)).toMatchObject({ field: 'successor', code: 'same_campaign' });
    const hidden = await admin('post', `/v1/admin/campaigns/${a.slug}/close`)
      .send({ successor: draft.slug })
      .expect(400);
    expect(field(hidden)).toMatchObject({ field: 'successor', code: 'unknown_campaign' });
    const patched = await admin('patch', `/v1/admin/campaigns/${a.slug}`)
      .send({ status: 'closed' })
      .expect(400);
    expect(field(patched)).toMatchObject({ field: 'status', code: 'is_in' });
    expect(
      (
        await admin('post', '/v1/admin/campaigns')
          .send({
            slug: 'born-closed',
            title: 'x',
            goal: { amount: 1000, currency: 'usd' },
            status: 'closed',
          })
          .expect(400)
      ).body.errors[0],
    ).toMatchObject({ field: 'status', code: 'is_in' });
    // Nothing was half-done by the refusals.
    expect((await admin('get', `/v1/campaigns/${a.slug}`).expect(200)).body.status).toBe('active');

    await admin('post', `/v1/admin/campaigns/${a.slug}/close`).send({}).expect(200);
    expect(
      (await admin('post', `/v1/admin/campaigns/${a.slug}/close`).send({}).expect(409)).body.code,
    ).toBe('conflict');
    await admin('patch', `/v1/admin/campaigns/${a.slug}`).send({ status: 'active' }).expect(409);
    const b = await createCampaign(app, adminKey);
    const closedSuccessor = await admin('post', `/v1/admin/campaigns/${b.slug}/close`)
      .send({ successor: a.slug })
      .expect(400);
    expect(field(closedSuccessor)).toMatchObject({ field: 'successor', code: 'campaign_closed' });
    await admin('post', `/v1/admin/campaigns/no-such/close`).send({}).expect(404);
    await app.http.post(`/v1/admin/campaigns/${b.slug}/close`).send({}).expect(401);
  });

  it('moves a pledge by staff, and refuses moves a donor cannot make', async () => {
    const from = await createCampaign(app, adminKey);
    const to = await createCampaign(app, adminKey);
    const euroOnly = await createCampaign(app, adminKey, {
      goal: { amount: 100000, currency: 'eur' },
    });
    const closedOne = await createCampaign(app, adminKey);
    await admin('post', `/v1/admin/campaigns/${closedOne.slug}/close`).send({}).expect(200);
    const email = 'mover@example.org';
    const pledge = await activePledge(from.slug, email);
    const token = await signIn(app, email);
    const move = (campaign: string) =>
      app.http
        .post(`/v1/donor/pledges/${pledge.pledgeId}/move`)
        .set('Authorization', `Bearer ${token}`)
        .send({ campaign });

    expect((await move(from.slug).expect(400)).body.errors[0]).toMatchObject({
      field: 'campaign',
      code: 'same_campaign',
    });
    expect((await move('nope').expect(400)).body.errors[0]).toMatchObject({
      field: 'campaign',
      code: 'unknown_campaign',
    });
    expect((await move(euroOnly.slug).expect(400)).body.errors[0]).toMatchObject({
      field: 'campaign',
      code: 'not_accepted',
    });
    expect((await move(closedOne.slug).expect(409)).body.code).toBe('not_active');
    // Someone else's pledge is not found.
    await paidDonation(app, from.slug, { email: 'someone.else@example.org' });
    const otherToken = await signIn(app, 'someone.else@example.org');
    await app.http
      .post(`/v1/donor/pledges/${pledge.pledgeId}/move`)
      .set('Authorization', `Bearer ${otherToken}`)
      .send({ campaign: to.slug })
      .expect(404);
    expect((await pledgeRow(pledge.pledgeId)).campaign).toBe(from.slug);

    const staffMove = await admin('post', `/v1/admin/pledges/${pledge.pledgeId}/move`)
      .send({ campaign: to.slug })
      .expect(201);
    expect(staffMove.body.campaign.slug).toBe(to.slug);
    const { rows } = await app.db.query(`SELECT moved_by FROM pledge_moves WHERE pledge_id = $1`, [
      pledge.pledgeId,
    ]);
    expect(rows).toEqual([{ moved_by: 'staff' }]);
  });

  it('closes a campaign by itself when its endsAt comes', async () => {
    const endsAt = new Date(Date.now() + 3000).toISOString();
    const { slug } = await createCampaign(app, adminKey, { endsAt });
    const email = 'ending@example.org';
    const pledge = await activePledge(slug, email);
    const campaign = await eventually(async () => {
      const res = await admin('get', `/v1/campaigns/${slug}`).expect(200);
      return res.body.status === 'closed' ? res.body : null;
    }, 20_000);
    expect(campaign.closedAt).toEqual(expect.any(String));
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(email) && /has closed/.test(m.subject),
    );
    expect(mail.text).toContain('has come to its end date');
    await eventually(async () => {
      const sub = await app.stripe.subscriptions.retrieve(pledge.subscriptionId);
      return sub.cancel_at_period_end ? sub : null;
    }, 20_000);
  });

  it('closes at its final goal when closeAtGoal, not before: a stretch goal shows once the goal is reached', async () => {
    const { slug } = await createCampaign(app, adminKey, {
      goal: { amount: 2000, currency: 'usd' },
      stretchGoals: [4000],
      closeAtGoal: true,
    });
    const email = 'goal.pledger@example.org';
    await activePledge(slug, email, { amount: 1000 });
    await paidDonation(app, slug, { amount: 1500 });
    // The goal is reached (2500 of 2000): the stretch goal shows, the campaign stays open.
    const open = (await app.http.get(`/v1/campaigns/${slug}`).expect(200)).body;
    expect(open).toMatchObject({ status: 'active', nextGoal: { amount: 4000 } });
    await paidDonation(app, slug, { amount: 1500 });
    const closed = await eventually(async () => {
      const res = await app.http.get(`/v1/campaigns/${slug}`).expect(200);
      return res.body.status === 'closed' ? res.body : null;
    }, 20_000);
    expect(closed.progress.raised).toBe(4000);
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(email) && /has closed/.test(m.subject),
    );
    expect(mail.text).toContain('has reached its goal');
  });
});
