import { ERROR_CODES, FIELD_ERROR_CODES } from '../../src/common/errors/error-codes';
import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, paidDonation, signIn } from '../support/flows';

/**
 * The published OpenAPI document (`/docs-json`) is what site developers generate clients from:
 * every operation must say what it is called, what it answers and how it fails, and what the
 * API really sends must match what the document says.
 */

type Schema = {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
};
type Response = { description?: string; content?: Record<string, { schema?: Schema }> };
type Operation = { operationId?: string; summary?: string; responses: Record<string, Response> };
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** The first word of an operation id: what it does, as a site developer would guess it. */
const VERBS = [
  'get',
  'list',
  'create',
  'update',
  'delete',
  'quote',
  'receive',
  'request',
  'verify',
  'sign',
  'export',
  'erase',
  'pause',
  'resume',
  'cancel',
  'record',
  'void',
  'refund',
  'resend',
  'replay',
  'reconcile',
  'run',
  'find',
  'revoke',
  'close',
  'confirm',
  'withdraw',
  'move',
];
const ERROR_SCHEMA = '#/components/schemas/ErrorBodyView';

function operations(doc: Document): { route: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({
      route: `${m.toUpperCase()} ${path}`,
      op: item[m],
    })),
  );
}

/** What is wrong with one operation, each problem naming the route. */
function problemsOf(route: string, op: Operation): string[] {
  const problems: string[] = [];
  const id = op.operationId ?? '';
  if (!id) problems.push(`${route}: no operationId`);
  else if (!/^[a-z][A-Za-z0-9]*$/.test(id) || !VERBS.includes(/^[a-z]+/.exec(id)![0]))
    problems.push(`${route}: operationId "${id}" is not camelCase starting with a verb`);
  if (!op.summary?.trim()) problems.push(`${route}: no summary`);
  const statuses = Object.keys(op.responses ?? {});
  const success = statuses.filter((s) => /^2\d\d$/.test(s));
  if (success.length !== 1) problems.push(`${route}: ${success.length} success responses`);
  for (const status of success) {
    const response = op.responses[status];
    if (status === '204') {
      if (response.content) problems.push(`${route}: 204 with a body`);
      continue;
    }
    const contents = Object.entries(response.content ?? {});
    if (!contents.length) problems.push(`${route}: ${status} without a schema`);
    for (const [type, media] of contents)
      if (!media.schema) problems.push(`${route}: ${status} ${type} without a schema`);
  }
  for (const status of statuses.filter((s) => /^[45]\d\d$/.test(s))) {
    const content = op.responses[status].content ?? {};
    if (Object.keys(content).join() !== 'application/json' || !refersTo(content, ERROR_SCHEMA))
      problems.push(`${route}: ${status} without the error schema`);
  }
  if (!statuses.includes('500')) problems.push(`${route}: no 500`);
  return problems;
}

function refersTo(content: Record<string, { schema?: Schema }>, ref: string): boolean {
  return content['application/json']?.schema?.$ref === ref;
}

/** Where `value` departs from `schema` (only what JSON can say: types, keys, enums, nulls). */
function mismatches(doc: Document, value: unknown, schema: Schema, at: string): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return mismatches(doc, value, doc.components.schemas[name], at);
  }
  if (value === null) return schema.nullable ? [] : [`${at} is null`];
  if (schema.allOf) return schema.allOf.flatMap((s) => mismatches(doc, value, s, at));
  if (schema.enum && !schema.enum.includes(value))
    return [`${at} is ${JSON.stringify(value)}, not one of ${JSON.stringify(schema.enum)}`];
  const type = Array.isArray(value) ? 'array' : typeof value;
  const expected = schema.type ?? (schema.properties ? 'object' : undefined);
  if (expected === 'integer' || expected === 'number') {
    return typeof value === 'number' ? [] : [`${at} is ${type}, not ${expected}`];
  }
  if (expected && expected !== type) return [`${at} is ${type}, not ${expected}`];
  if (type === 'array' && schema.items)
    return (value as unknown[]).flatMap((v, i) => mismatches(doc, v, schema.items!, `${at}[${i}]`));
  if (type !== 'object') return [];
  const object = value as Record<string, unknown>;
  const problems = (schema.required ?? [])
    .filter((key) => !(key in object))
    .map((key) => `${at}.${key} is missing`);
  for (const [key, v] of Object.entries(object)) {
    const property = schema.properties?.[key];
    if (property) problems.push(...mismatches(doc, v, property, `${at}.${key}`));
    else if (typeof schema.additionalProperties === 'object')
      problems.push(...mismatches(doc, v, schema.additionalProperties, `${at}.${key}`));
    else if (!schema.additionalProperties) problems.push(`${at}.${key} is not documented`);
  }
  return problems;
}

describe('the OpenAPI document', () => {
  let app: TestApp;
  let doc: Document;
  let adminKey: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
    doc = (await app.http.get('/docs-json').expect(200)).body;
  });
  afterAll(() => app?.close());

  /** Staff create an action; `email` signs it and confirms by the emailed link. */
  const signedAction = async (slug: string, email: string) => {
    const action = await app.http
      .post(`/v1/admin/campaigns/${slug}/actions`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send({
        slug: 'write-to-the-un',
        title: 'Ask the UN to act',
        target: { name: 'UN Special Rapporteur', email: 'rapporteur@example.org' },
        letterSubject: 'Free the seven',
        letterBody: 'We ask you to act.',
        goal: 100,
        status: 'active',
      })
      .expect(201);
    const signed = await app.http
      .post(`/v1/campaigns/${slug}/actions/write-to-the-un/signatures`)
      .send({ name: 'Sam Doe', email, country: 'FR', public: true, displayName: 'Sam' })
      .expect(202);
    const mail = await app.mail.waitFor((m) => m.to.includes(email) && /act\/confirm/.test(m.text));
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    const confirmed = await app.http.post('/v1/signatures/confirm').send({ token }).expect(200);
    return { action: action.body, signed: signed.body, confirmed: confirmed.body };
  };

  it('gives every operation an id, a summary, a success schema and the error schema', () => {
    const all = operations(doc);
    expect(all.length).toBeGreaterThan(50);
    expect(all.flatMap(({ route, op }) => problemsOf(route, op))).toEqual([]);
    const ids = all.map(({ op }) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('finds an operation without an id, summary, schema or error schema (the check can fail)', () => {
    expect(
      problemsOf('GET /x', {
        operationId: 'Things_get',
        responses: { '200': { description: 'ok' }, '404': { description: 'no' } },
      }),
    ).toEqual([
      'GET /x: operationId "Things_get" is not camelCase starting with a verb',
      'GET /x: no summary',
      'GET /x: 200 without a schema',
      'GET /x: 404 without the error schema',
      'GET /x: no 500',
    ]);
    const value = { a: 1, extra: true };
    const schema: Schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(mismatches(doc, value, schema, 'body')).toEqual([
      'body.a is number, not string',
      'body.extra is not documented',
    ]);
  });

  it('keeps the names a site developer would guess for the public routes', () => {
    const id = (method: string, path: string) => doc.paths[path]?.[method]?.operationId;
    expect({
      createDonation: id('post', '/v1/campaigns/{slug}/donations'),
      updatePendingDonation: id('patch', '/v1/campaigns/{slug}/donations/{id}'),
      createPledge: id('post', '/v1/campaigns/{slug}/pledges'),
      listCampaigns: id('get', '/v1/campaigns'),
      getCampaign: id('get', '/v1/campaigns/{slug}'),
      quoteGift: id('get', '/v1/campaigns/{slug}/quote'),
      getGiftStatus: id('get', '/v1/donations/{id}/status'),
      receiveStripeWebhook: id('post', '/v1/stripe/webhook'),
      getConfig: id('get', '/v1/config'),
    }).toEqual({
      createDonation: 'createDonation',
      updatePendingDonation: 'updatePendingDonation',
      createPledge: 'createPledge',
      listCampaigns: 'listCampaigns',
      getCampaign: 'getCampaign',
      quoteGift: 'quoteGift',
      getGiftStatus: 'getGiftStatus',
      receiveStripeWebhook: 'receiveStripeWebhook',
      getConfig: 'getConfig',
    });
  });

  it('lists every error code in the error schema', () => {
    const error = doc.components.schemas.ErrorBodyView;
    expect(error.required).toEqual(
      expect.arrayContaining(['statusCode', 'error', 'code', 'message', 'requestId']),
    );
    expect(error.properties!.code.enum).toEqual(Object.keys(ERROR_CODES));
    const field = doc.components.schemas.FieldErrorView;
    expect(field.properties!.code.enum).toEqual(Object.keys(FIELD_ERROR_CODES));
  });

  /** The success schema of an operation, by its id. */
  const successSchema = (operationId: string): Schema => {
    const found = operations(doc).find(({ op }) => op.operationId === operationId);
    if (!found) throw new Error(`no operation ${operationId}`);
    const [status] = Object.keys(found.op.responses).filter((s) => /^2/.test(s));
    return found.op.responses[status].content!['application/json'].schema!;
  };
  const errorSchema: Schema = { $ref: ERROR_SCHEMA };

  it('describes what the public routes really answer, field by field', async () => {
    const { slug } = await createCampaign(app, adminKey, {
      currencies: ['usd', 'eur'],
      limits: { usd: { min: 500, max: 100_000 }, eur: { min: 500, max: 100_000 } },
    });
    const gift = await donate(app, slug, { amount: 2500, coverFees: true });
    const { signed, confirmed } = await signedAction(slug, 'schema-signer@example.org');
    const answers: [string, unknown, Schema][] = [
      ['signAction', signed, successSchema('signAction')],
      ['confirmSignature', confirmed, successSchema('confirmSignature')],
      [
        'listActions',
        (await app.http.get(`/v1/campaigns/${slug}/actions`).expect(200)).body,
        successSchema('listActions'),
      ],
      [
        'getPublicAction',
        (await app.http.get(`/v1/campaigns/${slug}/actions/write-to-the-un`).expect(200)).body,
        successSchema('getPublicAction'),
      ],
      [
        'getConfig',
        (await app.http.get('/v1/config').expect(200)).body,
        successSchema('getConfig'),
      ],
      ['getHealth', (await app.http.get('/health').expect(200)).body, successSchema('getHealth')],
      [
        'listCampaigns',
        (await app.http.get('/v1/campaigns').expect(200)).body,
        successSchema('listCampaigns'),
      ],
      [
        'getCampaign',
        (await app.http.get(`/v1/campaigns/${slug}`).expect(200)).body,
        successSchema('getCampaign'),
      ],
      [
        'quoteGift',
        (
          await app.http
            .get(`/v1/campaigns/${slug}/quote?amount=2500&currency=usd&coverFees=true`)
            .expect(200)
        ).body,
        successSchema('quoteGift'),
      ],
      ['createDonation', gift, successSchema('createDonation')],
      [
        'updatePendingDonation',
        (
          await app.http
            .patch(`/v1/campaigns/${slug}/donations/${gift.donationId}`)
            .set('X-Client-Secret', gift.clientSecret)
            .send({ coverFees: false })
            .expect(200)
        ).body,
        successSchema('updatePendingDonation'),
      ],
      [
        'getGiftStatus',
        (
          await app.http
            .get(`/v1/donations/${gift.donationId}/status`)
            .set('X-Client-Secret', gift.clientSecret)
            .expect(200)
        ).body,
        successSchema('getGiftStatus'),
      ],
      [
        'createPledge',
        (
          await app.http
            .post(`/v1/campaigns/${slug}/pledges`)
            .send({ amount: 1000, currency: 'usd', interval: 'month', email: 'p@example.org' })
            .expect(201)
        ).body,
        successSchema('createPledge'),
      ],
      [
        'getCampaign 404',
        (await app.http.get('/v1/campaigns/no-such-campaign').expect(404)).body,
        errorSchema,
      ],
      [
        'createDonation 400',
        (
          await app.http
            .post(`/v1/campaigns/${slug}/donations`)
            .send({ amount: 'ten', currency: 'usd', email: 'x@example.org', colour: 'red' })
            .expect(400)
        ).body,
        errorSchema,
      ],
      [
        'receiveStripeWebhook 400',
        (await app.http.post('/v1/stripe/webhook').send({}).expect(400)).body,
        errorSchema,
      ],
    ];
    expect(answers.flatMap(([name, body, schema]) => mismatches(doc, body, schema, name))).toEqual(
      [],
    );
  });

  it('describes what staff and donor routes really answer, a paid gift included', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = `schema-${Date.now()}@example.org`;
    const paid = await paidDonation(app, slug, { email, name: 'Sam Doe', anonymous: false });
    await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1500, currency: 'usd', interval: 'month', email })
      .expect(201);
    const staff = (path: string) =>
      app.http.get(path).set('Authorization', `Bearer ${adminKey}`).expect(200);
    const { action } = await signedAction(slug, email);
    const donorId = (await staff(`/v1/admin/donors?email=${encodeURIComponent(email)}`)).body.id;
    const staffRoutes: [string, string][] = [
      ['listApiKeys', '/v1/admin/api-keys'],
      ['getStaffIdentity', '/v1/admin/me'],
      ['listPledges', '/v1/admin/pledges'],
      ['listReceipts', '/v1/admin/receipts'],
      ['listStripeEvents', '/v1/admin/stripe-events'],
      ['listJobFailures', '/v1/admin/job-failures'],
      ['listMaintenanceRuns', '/v1/admin/maintenance'],
      ['listAuditEntries', '/v1/admin/audit'],
      ['getCampaignReport', '/v1/reports/campaigns'],
      ['getCampaignTimeseries', `/v1/reports/timeseries?campaign=${slug}`],
      ['listLedgerEntries', '/v1/reports/donations'],
      ['findDonor', `/v1/admin/donors?email=${encodeURIComponent(email)}`],
      ['exportDonor', `/v1/admin/donors/${donorId}/export`],
      ['getAction', `/v1/admin/actions/${action.id}`],
      ['listCampaignActions', `/v1/admin/campaigns/${slug}/actions`],
    ];
    const answers: [string, unknown][] = [];
    // A delivery of the signed action, before the lists: they then hold it.
    const delivery = await app.http
      .post(`/v1/admin/actions/${action.id}/deliveries`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ note: 'Ahead of the session' })
      .expect(202);
    answers.push(['createDelivery', delivery.body]);
    staffRoutes.push(
      ['listDeliveries', `/v1/admin/actions/${action.id}/deliveries`],
      ['getCampaignTimeseries', `/v1/reports/timeseries?campaign=${slug}&metric=signatures`],
    );
    for (const [operationId, path] of staffRoutes)
      answers.push([operationId, (await staff(path)).body]);
    const token = await signIn(app, email);
    const donor = (path: string) =>
      app.http.get(path).set('Authorization', `Bearer ${token}`).expect(200);
    for (const [operationId, path] of [
      ['listDonorDonations', '/v1/donor/donations'],
      ['listDonorReceipts', '/v1/donor/receipts'],
      ['listDonorPledges', '/v1/donor/pledges'],
      ['exportDonorData', '/v1/donor/export'],
      ['listMySignatures', '/v1/donor/signatures'],
    ])
      answers.push([operationId, (await donor(path)).body]);
    // The lists hold the paid gift: the schemas are checked against real rows, not empty lists.
    const ledger = answers.find(([id]) => id === 'listLedgerEntries')![1] as {
      data: { donationId: string }[];
    };
    expect(ledger.data.map((e) => e.donationId)).toContain(paid.donationId);
    expect(answers.flatMap(([id, body]) => mismatches(doc, body, successSchema(id), id))).toEqual(
      [],
    );
  });

  it('names the field of a rule a service checks, as validation does', async () => {
    const { slug } = await createCampaign(app, adminKey, {
      currencies: ['usd'],
      limits: { usd: { min: 500, max: 100_000 } },
    });
    const low = await app.http
      .post(`/v1/campaigns/${slug}/donations`)
      .send({ amount: 100, currency: 'usd', email: 'low@example.org' })
      .expect(400);
    expect(low.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'amount', code: 'below_minimum', message: low.body.message }],
    });
    expect(low.body.message).toMatch(/^amount must be at least 500/);
    const euros = await app.http
      .get(`/v1/campaigns/${slug}/quote?amount=2500&currency=eur`)
      .expect(400);
    expect(euros.body.errors).toEqual([
      { field: 'currency', code: 'not_accepted', message: euros.body.message },
    ]);
    const noSecret = await app.http
      .patch(`/v1/campaigns/${slug}/donations/00000000-0000-4000-8000-000000000000`)
      .send({ coverFees: true })
      .expect(400);
    expect(noSecret.body.errors).toEqual([
      { field: 'X-Client-Secret', code: 'required', message: 'X-Client-Secret header is required' },
    ]);
    const webhook = await app.http.post('/v1/stripe/webhook').send({}).expect(400);
    expect(webhook.body.code).toBe('validation_failed');
  });
});
