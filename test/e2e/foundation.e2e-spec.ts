import { startTestApp, TestApp } from '../support/harness';

describe('HTTP foundation', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;

  beforeAll(async () => {
    app = await startTestApp();
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
  });
  afterAll(() => app?.close());

  it('answers liveness and readiness', async () => {
    await app.http.get('/health').expect(200, { status: 'ok' });
    const ready = await app.http.get('/health/ready').expect(200);
    expect(ready.body.details).toEqual({
      postgres: { status: 'up' },
      redis: { status: 'up' },
      events: { status: 'up', waiting: 0, oldestAgeSeconds: 0 },
      outbox: {
        status: 'up',
        oldestAgeSeconds: 0,
        receipts: { waiting: 0, oldestAgeSeconds: 0 },
        emails: { waiting: 0, oldestAgeSeconds: 0 },
        actionDeliveries: { waiting: 0, oldestAgeSeconds: 0 },
      },
    });
  });

  it('puts a request id on every response, echoing a well-formed one', async () => {
    const fresh = await app.http.get('/health');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await app.http.get('/health').set('X-Request-Id', 'site-req-12345678');
    expect(echoed.headers['x-request-id']).toBe('site-req-12345678');
    const refused = await app.http.get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(refused.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('answers unknown routes with the one error body', async () => {
    const res = await app.http.get('/v1/nothing-here').expect(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'not_found',
      message: 'Cannot GET /v1/nothing-here',
      requestId: res.headers['x-request-id'],
    });
  });

  it('rejects an unknown field with 400 naming it, and stores nothing', async () => {
    const res = await app.http
      .post('/v1/admin/api-keys')
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ name: 'laptop', role: 'finance', colour: 'blue' })
      .expect(400);
    expect(res.body.message).toContain('property colour should not exist');
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM api_keys WHERE name = 'laptop'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('names the field whose value is wrong', async () => {
    const res = await app.http
      .post('/v1/admin/api-keys')
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ name: 'laptop', role: 'owner' })
      .expect(400);
    expect(res.body.message).toMatch(/^role must be one of the following values: admin, finance/);
  });

  it('answers 413 to an oversized body and 400 to malformed JSON', async () => {
    const big = await app.http
      .post('/v1/admin/api-keys')
      .set('Authorization', `Bearer ${adminKey}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(200_000), role: 'admin' }))
      .expect(413);
    expect(big.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(big.body.message).toMatch(/larger than the limit/);
    const bad = await app.http
      .post('/v1/admin/api-keys')
      .set('Authorization', `Bearer ${adminKey}`)
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    // Nest maps body-parser's SyntaxError to a 400 carrying the parser's message.
    expect(bad.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/JSON/) });
  });

  it('guards staff routes: 401 without or with a wrong key, 403 for the wrong role', async () => {
    const none = await app.http.get('/v1/admin/api-keys').expect(401);
    expect(none.body.message).toMatch(/Bearer/);
    await app.http.get('/v1/admin/api-keys').set('Authorization', 'Bearer pbk_nope').expect(401);
    const forged = adminKey.slice(0, -4) + 'AAAA';
    await app.http.get('/v1/admin/api-keys').set('Authorization', `Bearer ${forged}`).expect(401);
    const forbidden = await app.http
      .get('/v1/admin/api-keys')
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(403);
    expect(forbidden.body.message).toBe('This action needs the admin role');
  });

  it('creates, lists and revokes keys; a revoked key is refused; last use is recorded', async () => {
    const created = await app.http
      .post('/v1/admin/api-keys')
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ name: 'Treasurer', role: 'finance' })
      .expect(201);
    expect(created.body.key).toMatch(/^pbk_[a-z0-9]{12}_/);
    const { rows } = await app.db.query(`SELECT secret_hash FROM api_keys WHERE id = $1`, [
      created.body.id,
    ]);
    expect(rows[0].secret_hash.toString('utf8')).not.toContain(created.body.key.slice(17));

    const list = await app.http
      .get('/v1/admin/api-keys')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(200);
    const listed = list.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: 'Treasurer', role: 'finance', revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const admin = list.body.data.find((k: { name: string }) => k.name === 'test admin');
    expect(admin.lastUsedAt).not.toBeNull();

    await app.http
      .delete(`/v1/admin/api-keys/${created.body.id}`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(204);
    await app.http
      .get('/v1/admin/job-failures')
      .set('Authorization', `Bearer ${created.body.key}`)
      .expect(401);
    await app.http
      .delete(`/v1/admin/api-keys/${created.body.id}`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(404);
  });

  it('keeps email addresses and keys out of the logs', async () => {
    await app.http
      .post('/v1/admin/api-keys?email=leak.me@example.org')
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ name: 'x', role: 'admin', email: 'leak.me@example.org' })
      .expect(400);
    await app.http.get('/v1/nothing?email=leak.me%40example.org').expect(404);
    const logs = app.logs();
    expect(logs).toContain('/v1/admin/api-keys?email=[Redacted]');
    expect(logs).not.toMatch(/leak\.me/);
    expect(logs).not.toContain(adminKey);
  });

  it('serves the OpenAPI document and its UI', async () => {
    const json = await app.http.get('/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining(['/health/ready', '/v1/admin/api-keys']),
    );
    // Operation ids are part of the published document: clients are generated from it.
    expect(json.body.paths['/v1/admin/api-keys'].post.operationId).toBe('createApiKey');
    expect(json.body.paths['/v1/donor/export'].get.operationId).toBe('exportDonorData');
    const ui = await app.http.get('/docs').expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('allows only the configured CORS origins', async () => {
    const allowed = await app.http.get('/health').set('Origin', 'https://campaign.example.org');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://campaign.example.org');
    const other = await app.http.get('/health').set('Origin', 'https://evil.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
