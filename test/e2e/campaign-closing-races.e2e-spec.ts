import { createServer, IncomingMessage, request as httpRequest, Server } from 'node:http';
import { eventually, freePort, startTestApp, TestApp } from '../support/harness';
import {
  createCampaign,
  donate,
  intentOfClientSecret,
  progress,
  settled,
  signIn,
} from '../support/flows';

/**
 * Closing a campaign and moving pledges when requests cross (from the attack review of the
 * closing): gifts started before a closing and paid after it, a move racing the target's closing
 * or another move, an ending racing a move; and the routes' input. Each holds without the
 * scheduled check (it is off here).
 *
 * Stripe is reached through a gate in front of the stand-in that can hold the next POST to a
 * path (before it reaches "Stripe"), so that a race between two requests can be played out in
 * a chosen order.
 */
class StripeGate {
  private server?: Server;
  target = '';
  url = '';
  private rule?: RegExp;
  private held: { path: string; go: () => void }[] = [];

  async start(): Promise<void> {
    const port = await freePort();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const forward = () => {
          const target = new URL(this.target);
          const upstream = httpRequest(
            {
              host: target.hostname,
              port: target.port,
              method: req.method,
              path: req.url,
              headers: req.headers,
            },
            (answer: IncomingMessage) => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
            },
          );
          upstream.on('error', () => res.destroy());
          upstream.end(Buffer.concat(chunks));
        };
        const rule = this.rule;
        if (rule && req.method === 'POST' && rule.test(req.url ?? '')) {
          this.rule = undefined;
          this.held.push({ path: req.url!, go: forward });
          return;
        }
        forward();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Holds the next POST whose path matches, before it reaches Stripe, until `release`. */
  holdNextPost(path: RegExp): void {
    this.rule = path;
  }

  async waitHeld(): Promise<string> {
    return eventually(async () => this.held[0]?.path, 15_000, 20);
  }

  release(): void {
    const held = this.held;
    this.held = [];
    this.rule = undefined;
    for (const h of held) h.go();
  }

  close(): Promise<void> {
    this.release();
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('closing and moving, when requests cross', () => {
  let app: TestApp;
  let adminKey: string;
  const gate = new StripeGate();

  beforeAll(async () => {
    await gate.start();
    // The scheduled check is off: what a closing and a move do by themselves, without the sweeper.
    app = await startTestApp({
      worker: true,
      env: { CAMPAIGN_CLOSE_CHECK_SCHEDULE: 'off', STRIPE_API_URL: gate.url },
    });
    // The app was told the gate's URL; the gate forwards to this app's own stand-in.
    gate.target = app.standIn.url;
    adminKey = await app.createKey('admin');
  });
  afterAll(async () => {
    await app?.close();
    await gate.close();
  });

  const admin = (method: 'get' | 'post' | 'patch', path: string) =>
    app.http[method](path).set('Authorization', `Bearer ${adminKey}`);

  const activePledge = async (slug: string, email: string, body: Record<string, unknown> = {}) => {
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', email, ...body })
      .expect(201);
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);
    return created.body as { pledgeId: string; subscriptionId: string; clientSecret: string };
  };

  const installments = async (pledgeId: string) =>
    (
      await app.db.query(
        `SELECT c.slug AS campaign, d.amount::int FROM donations d
           JOIN campaigns c ON c.id = d.campaign_id
          WHERE d.pledge_id = $1 AND d.kind = 'installment' AND d.status = 'succeeded'
          ORDER BY d.created_at`,
        [pledgeId],
      )
    ).rows as { campaign: string; amount: number }[];

  const pledgeCampaign = async (pledgeId: string) =>
    (
      await app.db.query(
        `SELECT c.slug FROM pledges p JOIN campaigns c ON c.id = p.campaign_id WHERE p.id = $1`,
        [pledgeId],
      )
    ).rows[0].slug as string;

  const close = (slug: string, body: Record<string, unknown> = {}) =>
    admin('post', `/v1/admin/campaigns/${slug}/close`).send(body);

  const SUBSCRIPTION_UPDATE = /^\/v1\/subscriptions\/sub_[^/?]+$/;

  it('a one-off gift started before the close cannot be paid after it', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const pending = await donate(app, slug, { amount: 4000 });
    await close(slug).expect(200);
    const raisedAtClose = (await progress(app, slug)).raised;
    // The donor's page still holds the client secret: it confirms the PaymentIntent.
    let charged = true;
    try {
      await app.standIn.succeedPaymentIntent(pending.paymentIntentId);
    } catch {
      charged = false;
    }
    await settled(app);
    const { rows } = await app.db.query(`SELECT status FROM donations WHERE id = $1`, [
      pending.donationId,
    ]);
    // "Gifts stop at once": nothing more is taken for a closed campaign.
    expect({ charged, status: rows[0].status, raised: (await progress(app, slug)).raised }).toEqual(
      { charged: false, status: expect.not.stringMatching(/succeeded/), raised: raisedAtClose },
    );
  });

  it('a pledge started before the close cannot pay its first installment after it', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = 'late.first.payment@example.org';
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1500, currency: 'usd', interval: 'month', email })
      .expect(201);
    const closed = await close(slug).expect(200);
    expect(closed.body.pledges).toBe(0); // incomplete: no closure, nobody told
    await eventually(async () => {
      const sub = await app.stripe.subscriptions.retrieve(created.body.subscriptionId);
      return sub.status === 'canceled' || sub.status === 'incomplete_expired' ? sub : null;
    }, 20_000);
    let charged = true;
    try {
      await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    } catch {
      charged = false;
    }
    await settled(app);
    expect({ charged, installments: await installments(created.body.pledgeId) }).toEqual({
      charged: false,
      installments: [],
    });
    const { rows } = await app.db.query(`SELECT status FROM pledges WHERE id = $1`, [
      created.body.pledgeId,
    ]);
    expect(rows[0].status).toBe('canceled');
  });

  it('a move that crosses the target campaign’s closing is refused, and Stripe bills as before', async () => {
    const from = await createCampaign(app, adminKey);
    const to = await createCampaign(app, adminKey, { title: 'Target closing meanwhile' });
    const email = 'mover.race@example.org';
    const pledge = await activePledge(from.slug, email);
    const token = await signIn(app, email);

    // The move has checked that the target is open and is now at Stripe...
    gate.holdNextPost(SUBSCRIPTION_UPDATE);
    const moving = app.http
      .post(`/v1/donor/pledges/${pledge.pledgeId}/move`)
      .set('Authorization', `Bearer ${token}`)
      .send({ campaign: to.slug })
      .then((r) => r);
    await gate.waitHeld();
    // ...when staff close the target.
    const closed = await close(to.slug).expect(200);
    expect(closed.body.pledges).toBe(0);
    gate.release();
    const moved = await moving;
    expect({ status: moved.status, code: moved.body.code }).toEqual({
      status: 409,
      code: 'not_active',
    });
    expect(await pledgeCampaign(pledge.pledgeId)).toBe(from.slug);
    const sub = await app.stripe.subscriptions.retrieve(pledge.subscriptionId);
    expect({ slug: sub.metadata.campaign_slug, ending: sub.cancel_at_period_end }).toEqual({
      slug: from.slug,
      ending: false,
    });
    await app.standIn.renewSubscription(pledge.subscriptionId, { outcome: 'succeed' });
    await settled(app);
    expect(await installments(pledge.pledgeId)).toEqual([
      { campaign: from.slug, amount: 1000 },
      { campaign: from.slug, amount: 1000 },
    ]);
  });

  it('two moves of one pledge at once: the loser gets 409, and Stripe bills the winner’s campaign, as we count it', async () => {
    const from = await createCampaign(app, adminKey);
    const b = await createCampaign(app, adminKey, { title: 'Target B' });
    const c = await createCampaign(app, adminKey, { title: 'Target C' });
    const email = 'double.mover@example.org';
    const pledge = await activePledge(from.slug, email);
    const token = await signIn(app, email);
    const move = (slug: string) =>
      app.http
        .post(`/v1/donor/pledges/${pledge.pledgeId}/move`)
        .set('Authorization', `Bearer ${token}`)
        .send({ campaign: slug })
        .then((r) => r);

    // Staff and the donor (two tabs) move it at once; B's call to Stripe is the slower one.
    gate.holdNextPost(SUBSCRIPTION_UPDATE);
    const toB = move(b.slug);
    await gate.waitHeld();
    const toC = await move(c.slug);
    expect(toC.status).toBe(201);
    gate.release();
    const lost = await toB;
    expect(lost.status).toBe(409);

    const ours = await pledgeCampaign(pledge.pledgeId);
    const sub = await app.stripe.subscriptions.retrieve(pledge.subscriptionId);
    await app.standIn.renewSubscription(pledge.subscriptionId, { outcome: 'succeed' });
    await settled(app);
    const invoice = await app.stripe.invoices.retrieve(
      (await app.stripe.subscriptions.retrieve(pledge.subscriptionId)).latest_invoice as string,
    );
    const { rows } = await app.db.query(
      `SELECT slug, stripe_product_id FROM campaigns WHERE slug = ANY($1)`,
      [[b.slug, c.slug]],
    );
    const productOf = Object.fromEntries(rows.map((r) => [r.stripe_product_id, r.slug]));
    const line = invoice.lines.data[0] as unknown as {
      pricing?: { price_details?: { product?: string } };
      price?: { product?: string };
    };
    const billedProduct = line.pricing?.price_details?.product ?? line.price?.product;
    expect({
      ours,
      stripeMetadata: sub.metadata.campaign_slug,
      stripeProduct: productOf[billedProduct as string] ?? billedProduct,
      counted: (await installments(pledge.pledgeId)).map((i) => i.campaign),
    }).toEqual({
      ours: c.slug,
      stripeMetadata: c.slug,
      stripeProduct: c.slug,
      counted: [from.slug, c.slug],
    });
  });

  it('a move crossing the closing’s ending at Stripe settles on the move (renews, not charged to the closed campaign)', async () => {
    const closing = await createCampaign(app, adminKey);
    const successor = await createCampaign(app, adminKey, { title: 'Successor' });
    const email = 'move.vs.ending@example.org';
    const pledge = await activePledge(closing.slug, email);
    const token = await signIn(app, email);

    // The closing's ending (cancel_at_period_end: true) is held on its way to Stripe...
    gate.holdNextPost(SUBSCRIPTION_UPDATE);
    await close(closing.slug, { successor: successor.slug }).expect(200);
    await gate.waitHeld();
    // ...the donor moves meanwhile (the move reads the subscription after its commit: not ending yet)...
    const moved = await app.http
      .post(`/v1/donor/pledges/${pledge.pledgeId}/move`)
      .set('Authorization', `Bearer ${token}`)
      .send({ campaign: successor.slug })
      .expect(201);
    expect(moved.body.campaign.slug).toBe(successor.slug);
    // ...then the ending lands at Stripe after the move.
    gate.release();
    await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT ending_set_at FROM pledge_closures WHERE pledge_id = $1`,
        [pledge.pledgeId],
      );
      return rows[0]?.ending_set_at;
    }, 20_000);
    const sub = await app.stripe.subscriptions.retrieve(pledge.subscriptionId);
    expect(sub.cancel_at_period_end).toBe(false);
    await app.standIn.renewSubscription(pledge.subscriptionId, { outcome: 'succeed' });
    await settled(app);
    expect(await installments(pledge.pledgeId)).toEqual([
      { campaign: closing.slug, amount: 1000 },
      { campaign: successor.slug, amount: 1000 },
    ]);
  });

  it('an unanswered pledge is set to end and not charged again; a stopped one is canceled; a donor is emailed once', async () => {
    const closing = await createCampaign(app, adminKey);
    const email = 'unanswered@example.org';
    const a = await activePledge(closing.slug, email);
    const b = await activePledge(closing.slug, email, { amount: 2000 });
    // A stranger's address that never paid: an incomplete pledge only.
    await app.http
      .post(`/v1/campaigns/${closing.slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', email: 'never.paid@example.org' })
      .expect(201);
    const closed = await close(closing.slug, { message: 'Thanks' }).expect(200);
    expect(closed.body).toMatchObject({ pledges: 2, donorsEmailed: 1 });
    await eventually(async () => {
      const sub = await app.stripe.subscriptions.retrieve(a.subscriptionId);
      return sub.cancel_at_period_end;
    }, 20_000);
    await app.standIn.renewSubscription(a.subscriptionId, { outcome: 'succeed' });
    await settled(app);
    expect(await installments(a.pledgeId)).toHaveLength(1);
    expect((await app.stripe.subscriptions.retrieve(a.subscriptionId)).status).toBe('canceled');
    await app.mail.waitFor((m) => m.to.includes(email) && /has closed/.test(m.subject));
    await new Promise((r) => setTimeout(r, 1000));
    const mails = app.mail.messages();
    expect(mails.filter((m) => m.to.includes(email) && /has closed/.test(m.subject))).toHaveLength(
      1,
    );
    expect(mails.some((m) => m.to.includes('never.paid@example.org'))).toBe(false);
    expect(b.pledgeId).toBeTruthy();
  });

  it('a successor that does not take a pledge’s currency is not offered to its donor', async () => {
    const closing = await createCampaign(app, adminKey);
    const euroOnly = await createCampaign(app, adminKey, {
      title: 'Euro successor',
      goal: { amount: 100000, currency: 'eur' },
    });
    const email = 'usd.pledger@example.org';
    const pledge = await activePledge(closing.slug, email);
    // Accepted (another donor's pledge may be in euros), offered only where it can be taken.
    const res = await close(closing.slug, { successor: euroOnly.slug });
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(email) && /has closed/.test(m.subject),
    );
    const token = await signIn(app, email);
    const view = await app.http
      .get(`/v1/donor/pledges/${pledge.pledgeId}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const move = await app.http
      .post(`/v1/donor/pledges/${pledge.pledgeId}/move`)
      .set('Authorization', `Bearer ${token}`)
      .send({ campaign: euroOnly.slug });
    expect({
      close: res.status,
      mailOffersSuccessor: mail.text!.includes('Euro successor'),
      accountOffers: view.body.closing.successor,
      move: move.status,
    }).toEqual({ close: 200, mailOffersSuccessor: false, accountOffers: null, move: 400 });
  });

  it('probes input on the close and move routes: sizes, types, NUL, each a 400 naming the field', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const fieldOf = (res: { status: number; body: { errors?: { field: string }[] } }) => [
      res.status,
      res.body.errors?.[0]?.field,
    ];
    expect(fieldOf(await close(slug, { message: 'x'.repeat(2001) }))).toEqual([400, 'message']);
    expect(fieldOf(await close(slug, { message: 'a\u0000b' }))).toEqual([400, 'message']);
    expect(fieldOf(await close(slug, { message: 42 }))).toEqual([400, 'message']);
    expect(fieldOf(await close(slug, { successor: ['x'] }))).toEqual([400, 'successor']);
    expect(fieldOf(await close(slug, { successor: 'x'.repeat(81) }))).toEqual([400, 'successor']);
    expect((await admin('get', `/v1/campaigns/${slug}`).expect(200)).body.status).toBe('active');
    const email = 'input.mover@example.org';
    const pledge = await activePledge(slug, email);
    const token = await signIn(app, email);
    const move = (body: unknown) =>
      app.http
        .post(`/v1/donor/pledges/${pledge.pledgeId}/move`)
        .set('Authorization', `Bearer ${token}`)
        .send(body as object);
    expect(fieldOf(await move({}))).toEqual([400, 'campaign']);
    expect(fieldOf(await move({ campaign: 7 }))).toEqual([400, 'campaign']);
    expect(fieldOf(await move({ campaign: 'a\u0000b' }))).toEqual([400, 'campaign']);
    expect(fieldOf(await move({ campaign: 'x'.repeat(81) }))).toEqual([400, 'campaign']);
    const odd = await app.http
      .post(`/v1/donor/pledges/not-a-uuid/move`)
      .set('Authorization', `Bearer ${token}`)
      .send({ campaign: slug });
    expect(odd.status).toBe(404);
    // Nothing in the logs names the donor's address.
    expect(app.logs()).not.toContain(email);
  });
});
