import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Environment } from '../common/config/environment';
import { DomainError } from '../common/errors/domain-error';
import { QueueService } from '../common/queue/queue.service';
import { SignInRateLimitService } from './sign-in-rate-limit.service';

// The machine's real Redis, under a prefix of this run's own.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('SignInRateLimitService', () => {
  const prefix = `signin-spec-${randomBytes(4).toString('hex')}`;
  let redis: Redis;

  const limiter = (connection: Redis, limit = 5) => {
    const env = Object.assign(new Environment(), {
      QUEUE_PREFIX: prefix,
      RATE_LIMIT_SIGNIN: limit,
    });
    return new SignInRateLimitService(env, { redis: connection } as unknown as QueueService);
  };
  const keys = () => redis.keys(`${prefix}:*`);

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    const left = await keys();
    if (left.length) await redis.del(...left);
  });
  afterAll(() => redis.quit());

  it('lets requests through up to the limits, and keys on hashes, never the address or IP', async () => {
    await expect(limiter(redis).hitClient('198.51.100.1')).resolves.toBeUndefined();
    await expect(limiter(redis).hitAddress('a@example.org')).resolves.toBe(true);
    expect((await keys()).sort()).toEqual([
      expect.stringMatching(new RegExp(`^${prefix}:rate-limit:sign-in:email:[0-9a-f]{64}$`)),
      expect.stringMatching(new RegExp(`^${prefix}:rate-limit:sign-in:ip:[0-9a-f]{64}$`)),
    ]);
  });

  it('refuses a client over its limit (30 an hour) with Retry-After', async () => {
    const limit = limiter(redis);
    for (let i = 0; i < 30; i++) await limit.hitClient('198.51.100.1');
    const error = await limit.hitClient('198.51.100.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'rate_limited' });
    const retryAfter = (error as DomainError).options?.retryAfterSeconds ?? 0;
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Another client is not affected.
    await expect(limit.hitClient('198.51.100.2')).resolves.toBeUndefined();
  });

  it('counts an IPv6 client by its /64: another address in it is the same client', async () => {
    const limit = limiter(redis);
    for (let i = 0; i < 30; i++) await limit.hitClient('2001:db8:9:9::1');
    await expect(limit.hitClient('2001:db8:9:9::2')).rejects.toMatchObject({
      code: 'rate_limited',
    });
    await expect(limit.hitClient('2001:db8:9:a::1')).resolves.toBeUndefined();
  });

  it('answers false for an address over its limit (no error: the caller already answered)', async () => {
    const limit = limiter(redis, 2);
    await expect(limit.hitAddress('a@example.org')).resolves.toBe(true);
    await expect(limit.hitAddress('a@example.org')).resolves.toBe(true);
    await expect(limit.hitAddress('a@example.org')).resolves.toBe(false);
    await expect(limit.hitAddress('b@example.org')).resolves.toBe(true);
  });

  it('fails open, with a warning, when Redis does not answer', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    // Nothing listens on port 1: the connection never becomes ready.
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await expect(limiter(down).hitClient(undefined)).resolves.toBeUndefined();
      await expect(limiter(down).hitAddress('a@example.org')).resolves.toBe(true);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^sign-in rate limit not applied/));
    } finally {
      down.disconnect();
    }
  });
});
