import { eventually, startTestApp, TestApp } from '../support/harness';
import { OwnRedis } from '../support/redis-server';

describe('readiness follows Redis', () => {
  let redis: OwnRedis;
  let app: TestApp;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    app = await startTestApp({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('turns 503 naming redis when it stops, and 200 when it returns', async () => {
    await app.http.get('/health/ready').expect(200);

    await redis.stop();
    const down = await eventually(async () => {
      const res = await app.http.get('/health/ready');
      return res.status === 503 ? res : undefined;
    });
    expect(down.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Not ready: redis is down',
    });
    expect(down.body.details.postgres).toEqual({ status: 'up' });
    expect(down.body.requestId).toBe(down.headers['x-request-id']);

    await redis.restart();
    await eventually(async () => (await app.http.get('/health/ready')).status === 200, 15_000);
  });
});
