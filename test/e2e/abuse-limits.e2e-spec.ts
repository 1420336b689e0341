import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import request from 'supertest';
import { Environment } from '../../src/common/config/environment';
import { QueueService } from '../../src/common/queue/queue.service';
import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, intentOfClientSecret, settled } from '../support/flows';
import { OwnRedis } from '../support/redis-server';

const email = () => `donor-${randomBytes(3).toString('hex')}@example.org`;
const gift = { amount: 2500, currency: 'usd' };

/** Everything this app keeps in Redis for abuse limits: key names and values. */
async function abuseKeys(app: TestApp): Promise<string> {
  const redis = app.api.get(QueueService).redis;
  const keys = await redis.keys(`${app.queuePrefix}:abuse:*`);
  const values = await Promise.all(
    keys.map((k) => redis.type(k).then((t) => (t === 'string' ? redis.get(k) : ''))),
  );
  return [...keys, ...values].join('\n');
}

describe('abuse limits behind one proxy (TRUST_PROXY=1)', () => {
  let app: TestApp;
  let adminKey: string;

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        TRUST_PROXY: '1',
        RATE_LIMIT_DONATIONS: '2',
        RATE_LIMIT_DONATIONS_PER_EMAIL: '2',
        RATE_LIMIT_DONATIONS_PER_CAMPAIGN: '5',
      },
    });
    adminKey = await app.createKey('admin');
  });
  afterAll(() => app?.close());

  const donate = (slug: string, client: string, body: Record<string, unknown> = {}) =>
    app.http
      .post(`/v1/campaigns/${slug}/donations`)
      .set('X-Forwarded-For', client)
      .send({ ...gift, email: email(), ...body });

  const donations = async (slug: string) =>
    (
      await app.db.query(
        `SELECT count(*)::int AS n FROM donations d JOIN campaigns c ON c.id = d.campaign_id WHERE c.slug = $1`,
        [slug],
      )
    ).rows[0].n;

  it('counts each client behind the proxy on its own', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await donate(slug, '198.51.100.1').expect(201);
    await donate(slug, '198.51.100.1').expect(201);
    const limited = await donate(slug, '198.51.100.1').expect(429);
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    expect(limited.body.message).toMatch(/^Too many requests from this client/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another donor behind the same proxy is not held back by the first one.
    await donate(slug, '198.51.100.2').expect(201);
    // A spoofed address in front of the proxy's is not believed: the proxy saw 198.51.100.1.
    await donate(slug, '203.0.113.50, 198.51.100.1').expect(429);
    expect(await donations(slug)).toBe(3);
  });

  it('ignores captchaToken when no CAPTCHA is configured', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await donate(slug, '198.51.100.9', { captchaToken: 'anything' }).expect(201);
    const config = await app.http.get('/v1/config').expect(200);
    expect(config.body).toMatchObject({ captchaRequired: false, captchaSiteKey: null });
  });

  it('limits one email address across clients, without keeping it in Redis', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await donate(slug, '198.51.100.11', { email: 'card.tester@example.org' }).expect(201);
    // The same mailbox, spelt differently, from another client.
    await donate(slug, '198.51.100.12', { email: ' Card.Tester+2@Example.org' }).expect(201);
    const limited = await donate(slug, '198.51.100.13', { email: 'card.tester+3@example.org' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      code: 'rate_limited',
      message: expect.stringMatching(/^Too many donation attempts with this email address: /),
    });
    expect(JSON.stringify(limited.body)).not.toContain('card.tester');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // That client may give with another address; pledges count towards the same limit.
    await donate(slug, '198.51.100.13').expect(201);
    const pledge = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .set('X-Forwarded-For', '198.51.100.14')
      .send({ ...gift, interval: 'month', email: 'CARD.TESTER@example.org' });
    expect(pledge.status).toBe(429);
    expect(pledge.body.code).toBe('rate_limited');
    expect(await donations(slug)).toBe(3);
    const stored = await abuseKeys(app);
    expect(stored).toContain(`${app.queuePrefix}:abuse:email:`);
    expect(stored).not.toMatch(/card|tester|example|198\.51\.100/i);
  });

  it('puts a ceiling on attempts per campaign, whoever makes them', async () => {
    const { slug } = await createCampaign(app, adminKey);
    for (let i = 0; i < 4; i++) await donate(slug, `198.51.100.${20 + i}`).expect(201);
    await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .set('X-Forwarded-For', '198.51.100.30')
      .send({ ...gift, interval: 'month', email: email() })
      .expect(201);
    const limited = await donate(slug, '198.51.100.31').expect(429);
    expect(limited.body).toMatchObject({
      code: 'rate_limited',
      message: expect.stringMatching(/^Too many donation attempts on this campaign right now: /),
    });
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(await donations(slug)).toBe(4);
    // Other campaigns go on.
    const other = await createCampaign(app, adminKey);
    await donate(other.slug, '198.51.100.32').expect(201);
  });

  it('counts one allowance per client across the routes that start or change a gift', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const client = '198.51.100.40';
    await donate(slug, client).expect(201);
    await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .set('X-Forwarded-For', client)
      .send({ ...gift, interval: 'month', email: email() })
      .expect(201);
    // RATE_LIMIT_DONATIONS is 2: a third route does not give the client two more.
    const checkout = await app.http
      .post(`/v1/campaigns/${slug}/checkout-sessions`)
      .set('X-Forwarded-For', client)
      .send({
        ...gift,
        email: email(),
        successUrl: 'https://site.example/thanks',
        cancelUrl: 'https://site.example/',
      })
      .expect(429);
    expect(checkout.body.message).toMatch(/^Too many requests from this client/);
    const change = await app.http
      .patch(`/v1/campaigns/${slug}/donations/00000000-0000-4000-8000-000000000000`)
      .set('X-Forwarded-For', client)
      .set('X-Client-Secret', 'pi_x_secret_y')
      .send({ amount: 3000 })
      .expect(429);
    expect(change.body.code).toBe('rate_limited');
  });

  it('does not let requests that start nothing use up an email address or a campaign', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const victim = 'victim.donor@example.org';
    // Malformed gifts with the victim's address, from many clients (PER_EMAIL is 2,
    // PER_CAMPAIGN is 5): all refused for their input, none counted.
    for (let i = 0; i < 6; i++) {
      const res = await donate(slug, `198.51.100.${50 + i}`, {
        email: `Victim.Donor+${i}@example.org`,
        amount: 'x',
      }).expect(400);
      expect(res.body.code).toBe('validation_failed');
    }
    // A gift for an unknown campaign, or one below what Stripe can charge: refused, not counted.
    await donate('no-such-campaign', '198.51.100.60', { email: victim }).expect(404);
    await donate(slug, '198.51.100.61', { email: victim, amount: 10 }).expect(400);
    // The donor and everyone else can still give.
    await donate(slug, '198.51.100.62', { email: victim }).expect(201);
    await donate(slug, '198.51.100.63', { email: victim }).expect(201);
    // Real attempts do count: the donor's third within the hour is refused.
    const limited = await donate(slug, '198.51.100.64', { email: victim }).expect(429);
    expect(limited.body.message).toMatch(/^Too many donation attempts with this email address/);
    await donate(slug, '198.51.100.65').expect(201);
    expect(await donations(slug)).toBe(3);
  });
});

describe('abuse limits with the default TRUST_PROXY (a proxy on this machine only)', () => {
  let app: TestApp;
  let server: Server;
  let direct: ReturnType<typeof request>;

  beforeAll(async () => {
    // The harness keeps earlier apps' variables in process.env: this app gets the default.
    delete process.env.TRUST_PROXY;
    app = await startTestApp({ env: { RATE_LIMIT_DONATIONS: '2' } });
    expect(app.api.get(Environment).TRUST_PROXY).toEqual(['loopback']);
    // The API reached on a non-loopback address: the peer is a client, not a local proxy. A
    // private one if there is one (the old setting believed every private range).
    const addresses = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && !/^fe80:/i.test(i.address))
      .map((i) => i!.address);
    const address =
      addresses.find((a) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|f[cd])/i.test(a)) ??
      addresses[0];
    if (!address) throw new Error('this test needs a non-loopback address');
    server = createServer(app.api.getHttpAdapter().getInstance());
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    const host = address.includes(':') ? `[${address}]` : address;
    direct = request(`http://${host}:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await app?.close();
  });

  it('ignores X-Forwarded-For from a client: changing it does not escape the limit', async () => {
    const { slug } = await createCampaign(app, await app.createKey('admin'));
    const donate = (client: string) =>
      direct
        .post(`/v1/campaigns/${slug}/donations`)
        .set('X-Forwarded-For', client)
        .send({ ...gift, email: email() });
    await donate('198.51.100.1').expect(201);
    await donate('198.51.100.2').expect(201);
    const limited = await donate('198.51.100.3').expect(429);
    expect(limited.body.code).toBe('rate_limited');
  });
});

describe('temporary block after failed payments', () => {
  let app: TestApp;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({
      worker: true,
      env: { TRUST_PROXY: '1', RATE_LIMIT_FAILED_PAYMENTS: '2', RATE_LIMIT_BLOCK_MINUTES: '30' },
    });
    ({ slug } = await createCampaign(app, await app.createKey('admin')));
  });
  afterAll(() => app?.close());

  const start = (kind: 'donations' | 'pledges', client: string, address = email()) =>
    app.http
      .post(`/v1/campaigns/${slug}/${kind}`)
      .set('X-Forwarded-For', client)
      .send({ ...gift, email: address, ...(kind === 'pledges' ? { interval: 'month' } : {}) });

  const failed = async () =>
    (await app.db.query(`SELECT count(*)::int AS n FROM donations WHERE status = 'failed'`)).rows[0]
      .n;

  it('blocks a client whose donations and pledges keep failing to pay; others go on', async () => {
    const first = await start('donations', '198.51.100.40').expect(201);
    await app.standIn.failPaymentIntent(first.body.paymentIntentId);
    await settled(app);
    // Stripe telling of the same decline again counts once.
    await app.standIn.redeliverEvents((await app.standIn.events()).map((e) => e.id));
    await settled(app);
    expect(await failed()).toBe(1);
    await start('donations', '198.51.100.40').expect(201);

    const pledge = await start('pledges', '198.51.100.40').expect(201);
    await app.standIn.failPaymentIntent(intentOfClientSecret(pledge.body.clientSecret));
    await settled(app);
    expect(await failed()).toBe(2);

    const blocked = await start('donations', '198.51.100.40').expect(429);
    expect(blocked.body).toMatchObject({
      statusCode: 429,
      code: 'temporarily_blocked',
      message: expect.stringMatching(/^Too many failed payments from this client: /),
    });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(29 * 60);
    expect(retryAfter).toBeLessThanOrEqual(30 * 60);
    await start('pledges', '198.51.100.40').expect(429);
    // Another client, another address: unaffected.
    await start('donations', '198.51.100.41').expect(201);
  });

  it('counts every card tried on one PaymentIntent, however quickly they follow', async () => {
    const res = await start('donations', '198.51.100.60').expect(201);
    // Two cards declined on the same PaymentIntent before the worker syncs it once.
    await app.standIn.failPaymentIntent(res.body.paymentIntentId);
    await app.standIn.failPaymentIntent(res.body.paymentIntentId);
    await settled(app);
    const { data: charges } = await app.stripe.charges.list({
      payment_intent: res.body.paymentIntentId,
    });
    expect(charges.filter((c) => c.status === 'failed')).toHaveLength(2);
    const blocked = await start('donations', '198.51.100.60').expect(429);
    expect(blocked.body.code).toBe('temporarily_blocked');
  });

  it('counts Checkout gifts whose payments fail against the client that started them', async () => {
    const client = '203.0.113.60';
    const own = await createCampaign(app, await app.createKey('admin'));
    const checkout = () =>
      app.http
        .post(`/v1/campaigns/${own.slug}/checkout-sessions`)
        .set('X-Forwarded-For', client)
        .send({
          ...gift,
          email: email(),
          successUrl: 'https://site.example/thanks',
          cancelUrl: 'https://site.example/donate',
        });
    const started = [await checkout(), await checkout()];
    for (const res of started) {
      expect(res.body).toEqual({ sessionId: expect.any(String), url: expect.any(String) });
      await app.standIn.completeCheckoutSession(res.body.sessionId, { payment_status: 'unpaid' });
      await app.standIn.failCheckoutAsyncPayment(res.body.sessionId);
    }
    await settled(app);
    const blocked = await checkout().expect(429);
    expect(blocked.body.code).toBe('temporarily_blocked');
  });

  it('blocks an email address whose gifts keep failing, from any client', async () => {
    const address = 'declined.donor@example.org';
    for (const client of ['198.51.100.50', '198.51.100.51']) {
      const res = await start('donations', client, address).expect(201);
      await app.standIn.failPaymentIntent(res.body.paymentIntentId);
    }
    await settled(app);
    const blocked = await start('donations', '198.51.100.52', 'Declined.Donor@example.org');
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({
      code: 'temporarily_blocked',
      message: expect.stringMatching(/^Too many failed payments from this email address: /),
    });
    expect(JSON.stringify(blocked.body)).not.toContain('declined');
    // That client with another address, and the address's neighbours, are not blocked.
    await start('donations', '198.51.100.52').expect(201);
    expect(await abuseKeys(app)).not.toMatch(/declined|example|198\.51\.100/i);
  });
});

describe('CAPTCHA on starting a gift', () => {
  let app: TestApp;
  let verifier: Server;
  let slug: string;
  const seen: URLSearchParams[] = [];
  let answer: (form: URLSearchParams, res: ServerResponse) => void;

  beforeAll(async () => {
    // A siteverify endpoint, as Turnstile and hCaptcha answer it.
    verifier = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        seen.push(form);
        answer(form, res);
      });
    });
    await new Promise<void>((resolve) => verifier.listen(0, '127.0.0.1', resolve));
    const { port } = verifier.address() as AddressInfo;
    app = await startTestApp({
      env: {
        CAPTCHA_SECRET: 'captcha-secret-1',
        CAPTCHA_VERIFY_URL: `http://127.0.0.1:${port}/siteverify`,
        CAPTCHA_SITE_KEY: 'site-key-1',
      },
    });
    ({ slug } = await createCampaign(app, await app.createKey('admin')));
  });
  beforeEach(() => {
    seen.length = 0;
    answer = (form, res) => {
      const ok = form.get('secret') === 'captcha-secret-1' && form.get('response') === 'good';
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify(
          ok ? { success: true } : { success: false, 'error-codes': ['invalid-input-response'] },
        ),
      );
    };
  });
  afterAll(async () => {
    if (verifier.listening) await new Promise((resolve) => verifier.close(resolve));
    await app?.close();
    // The harness leaves an app's variables in process.env: later apps have no CAPTCHA.
    for (const name of ['CAPTCHA_SECRET', 'CAPTCHA_VERIFY_URL', 'CAPTCHA_SITE_KEY'])
      delete process.env[name];
  });

  const donate = (body: Record<string, unknown>) =>
    app.http.post(`/v1/campaigns/${slug}/donations`).send({ ...gift, email: email(), ...body });
  const count = async () =>
    (await app.db.query(`SELECT count(*)::int AS n FROM donations`)).rows[0].n;

  it('tells front-ends a CAPTCHA is required, with its site key', async () => {
    const res = await app.http.get('/v1/config').expect(200);
    expect(res.body).toMatchObject({ captchaRequired: true, captchaSiteKey: 'site-key-1' });
  });

  it('refuses a gift without a token, naming captchaToken', async () => {
    const res = await donate({}).expect(400);
    expect(res.body).toMatchObject({ code: 'validation_failed' });
    expect(res.body.message).toContain('captchaToken');
    const pledge = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ ...gift, interval: 'month', email: email() })
      .expect(400);
    expect(pledge.body.message).toContain('captchaToken');
    const checkout = await app.http
      .post(`/v1/campaigns/${slug}/checkout-sessions`)
      .send({
        ...gift,
        email: email(),
        successUrl: 'https://site.example/thanks',
        cancelUrl: 'https://site.example/donate',
      })
      .expect(400);
    expect(checkout.body.message).toContain('captchaToken');
    expect(seen).toHaveLength(0);
    expect(await count()).toBe(0);
  });

  it('refuses a token the CAPTCHA service does not accept', async () => {
    const res = await donate({ captchaToken: 'forged-token' }).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, code: 'captcha_failed' });
    expect(res.body.message).toMatch(/^captchaToken was not accepted/);
    expect(seen.map((f) => f.get('response'))).toEqual(['forged-token']);
    expect(await count()).toBe(0);
    expect(app.logs()).not.toContain('forged-token');
  });

  it('starts the gift with a good token, telling the service the client address', async () => {
    const res = await donate({ captchaToken: 'good' }).expect(201);
    expect(res.body.donationId).toEqual(expect.any(String));
    expect(seen).toHaveLength(1);
    expect(Object.fromEntries(seen[0])).toEqual({
      secret: 'captcha-secret-1',
      response: 'good',
      remoteip: '127.0.0.1',
    });
    await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ ...gift, interval: 'month', email: email(), captchaToken: 'good' })
      .expect(201);
    expect(await count()).toBe(1);
  });

  it('lets a retry with the same Idempotency-Key through without a second solve', async () => {
    // Like the real services: a token passes once.
    const used = new Set<string>();
    answer = (form, res) => {
      const token = form.get('response')!;
      const ok = token.startsWith('once-') && !used.has(token);
      used.add(token);
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify(
          ok ? { success: true } : { success: false, 'error-codes': ['timeout-or-duplicate'] },
        ),
      );
    };
    const body = { ...gift, email: email(), captchaToken: 'once-1' };
    const send = (key: string, path = 'donations', extra = {}) =>
      app.http
        .post(`/v1/campaigns/${slug}/${path}`)
        .set('Idempotency-Key', key)
        .send({ ...body, ...extra });
    const first = await send('retry-key-0001').expect(201);
    const again = await send('retry-key-0001').expect(201);
    expect(again.body.donationId).toBe(first.body.donationId);
    expect(seen).toHaveLength(1);
    // The token is good for that request only: not with another key, nor on another route.
    expect((await send('retry-key-0002').expect(403)).body.code).toBe('captcha_failed');
    await send('retry-key-0001', 'pledges', { interval: 'month' }).expect(403);
    expect(await count()).toBe(2);
  });

  it('fails closed with 503 when the CAPTCHA service answers an error or cannot be reached', async () => {
    answer = (_form, res) => {
      res.statusCode = 500;
      res.end('oops');
    };
    const broken = await donate({ captchaToken: 'good' }).expect(503);
    expect(broken.body).toMatchObject({ code: 'captcha_unavailable' });
    expect(Number(broken.headers['retry-after'])).toBeGreaterThan(0);

    await new Promise((resolve) => verifier.close(resolve));
    const down = await donate({ captchaToken: 'good' }).expect(503);
    expect(down.body).toMatchObject({
      statusCode: 503,
      code: 'captcha_unavailable',
      message: 'The CAPTCHA cannot be checked right now: try again in a minute',
    });
    expect(await count()).toBe(2);
  });
});

describe('abuse limits when Redis is down', () => {
  let redis: OwnRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    app = await startTestApp({
      env: { REDIS_URL: redis.url, RATE_LIMIT_DONATIONS: '1', RATE_LIMIT_DONATIONS_PER_EMAIL: '1' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('lets donors give (fails open), and say so in the log', async () => {
    const { slug } = await createCampaign(app, await app.createKey('admin'));
    const body = { ...gift, email: 'same.donor@example.org' };
    await app.http.post(`/v1/campaigns/${slug}/donations`).send(body).expect(201);
    await redis.stop();
    try {
      await app.http.post(`/v1/campaigns/${slug}/donations`).send(body).expect(201);
      await app.http.post(`/v1/campaigns/${slug}/donations`).send(body).expect(201);
    } finally {
      await redis.restart();
    }
    expect(app.logs()).toContain('creation limits not applied');
    expect(app.logs()).not.toContain('same.donor');
  });
});
