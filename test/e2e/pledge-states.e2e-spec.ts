import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, intentOfClientSecret, settled, signIn } from '../support/flows';

type Status = 'active' | 'paused' | 'past_due' | 'incomplete' | 'canceled';
type Action = 'change amount' | 'pause' | 'resume' | 'cancel' | 'card update' | 'move';

/** What the donor is answered, and what the pledge then reads (its status, or the error code). */
type Outcome = { status: number; reads: Status } | { status: 409; code: string };

const ok = (status: number, reads: Status): Outcome => ({ status, reads });
const refused = (code = 'conflict'): Outcome => ({ status: 409, code });

/**
 * Every donor action on a pledge in every status, as the portal's buttons send them. The rules:
 * a canceled pledge takes nothing; one whose first payment is still due (incomplete) can only be
 * canceled; a past-due one cannot be paused (its failed payment would still be retried: a new
 * card or a cancel first), and only a paused one resumes. Every refusal changes nothing.
 */
const TABLE: Record<Status, Record<Action, Outcome>> = {
  active: {
    'change amount': ok(200, 'active'),
    pause: ok(201, 'paused'),
    resume: refused(),
    cancel: ok(201, 'canceled'),
    'card update': ok(201, 'active'),
    move: ok(201, 'active'),
  },
  paused: {
    'change amount': ok(200, 'paused'),
    pause: ok(201, 'paused'),
    resume: ok(201, 'active'),
    cancel: ok(201, 'canceled'),
    'card update': ok(201, 'paused'),
    move: ok(201, 'paused'),
  },
  past_due: {
    'change amount': ok(200, 'past_due'),
    pause: refused('pledge_past_due'),
    resume: refused(),
    cancel: ok(201, 'canceled'),
    'card update': ok(201, 'past_due'),
    move: ok(201, 'past_due'),
  },
  incomplete: {
    'change amount': refused(),
    pause: refused(),
    resume: refused(),
    cancel: ok(201, 'canceled'),
    'card update': refused(),
    move: refused(),
  },
  canceled: {
    'change amount': refused(),
    pause: refused(),
    resume: refused(),
    cancel: refused(),
    'card update': refused(),
    move: refused(),
  },
};

describe('pledge status × donor action', () => {
  let app: TestApp;
  let token: string;
  let slug: string;
  let otherSlug: string;
  const email = 'states.donor@example.org';

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    const adminKey = await app.createKey('admin');
    slug = (await createCampaign(app, adminKey)).slug;
    otherSlug = (await createCampaign(app, adminKey)).slug;
    // The donor's first pledge makes them someone who can sign in.
    await pledgeIn('active');
    token = await signIn(app, email);
  });
  afterAll(() => app?.close());

  const donor = (method: 'get' | 'post' | 'patch', path: string) =>
    app.http[method](path).set('Authorization', `Bearer ${token}`);

  const read = async (id: string) =>
    (await donor('get', `/v1/donor/pledges/${id}`).expect(200)).body;

  /** A new pledge of the donor's, brought to `status` the way it happens in life. */
  async function pledgeIn(status: Status): Promise<string> {
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', email })
      .expect(201);
    const { pledgeId, subscriptionId, clientSecret } = created.body;
    if (status === 'incomplete') return pledgeId;
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(clientSecret));
    await settled(app);
    if (status === 'paused')
      await donor('post', `/v1/donor/pledges/${pledgeId}/pause`).send({}).expect(201);
    if (status === 'canceled')
      await donor('post', `/v1/donor/pledges/${pledgeId}/cancel`).expect(201);
    if (status === 'past_due') {
      await app.standIn.renewSubscription(subscriptionId, { outcome: 'fail' });
      await settled(app);
    }
    return pledgeId;
  }

  const act = (action: Action, id: string) => {
    const path = `/v1/donor/pledges/${id}`;
    switch (action) {
      case 'change amount':
        return donor('patch', path).send({ amount: 1500 });
      case 'pause':
        return donor('post', `${path}/pause`).send({});
      case 'resume':
        return donor('post', `${path}/resume`);
      case 'cancel':
        return donor('post', `${path}/cancel`);
      case 'card update':
        return donor('post', `${path}/payment-method`);
      case 'move':
        return donor('post', `${path}/move`).send({ campaign: otherSlug });
    }
  };

  const cells = (Object.keys(TABLE) as Status[]).flatMap((status) =>
    (Object.keys(TABLE[status]) as Action[]).map((action) => ({
      status,
      action,
      outcome: TABLE[status][action],
    })),
  );

  it.each(cells)('$action on a $status pledge', async ({ status, action, outcome }) => {
    const id = await pledgeIn(status);
    const before = await read(id);
    expect(before.status).toBe(status);
    const res = await act(action, id);
    expect(res.status).toBe(outcome.status);
    if ('code' in outcome) {
      expect(res.body.code).toBe(outcome.code);
      // A refusal changes nothing.
      expect(await read(id)).toEqual(before);
      return;
    }
    // The answer is the pledge as it now stands, and reading it again says the same.
    expect(res.body.status ?? (await read(id)).status).toBe(outcome.reads);
    await settled(app);
    const after = await read(id);
    expect(after.status).toBe(outcome.reads);
    if (action === 'change amount') expect(after.amount).toBe(1500);
    if (action === 'move') expect(after.campaign.slug).toBe(otherSlug);
  });
});
