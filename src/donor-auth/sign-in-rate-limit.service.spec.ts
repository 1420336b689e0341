import { Logger } from '@nestjs/common';
import { Environment } from '../common/config/environment';
import { DomainError } from '../common/errors/domain-error';
import { QueueService } from '../common/queue/queue.service';
import { SignInRateLimitService } from './sign-in-rate-limit.service';

/** A Redis whose MULTI answers each key's SET NX / INCR / TTL from a map of counts. */
function fakeRedis(status: string, counts: number[], ttl = 1800, fail?: Error) {
  const keys: string[] = [];
  const multi = {
    set: (key: string) => (keys.push(key), multi),
    incr: () => multi,
    ttl: () => multi,
    exec: async () => {
      if (fail) throw fail;
      return keys.flatMap((_, i) => [
        [null, 'OK'],
        [null, counts[i]],
        [null, ttl],
      ]);
    },
  };
  return { redis: { status, multi: () => multi }, keys };
}

function limiter(redis: unknown, limit = 5) {
  const env = Object.assign(new Environment(), { QUEUE_PREFIX: 'p', RATE_LIMIT_SIGNIN: limit });
  return new SignInRateLimitService(env, { redis } as unknown as QueueService);
}

describe('SignInRateLimitService', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('lets requests through up to the limit, and keys on hashes, never the address or IP', async () => {
    const { redis, keys } = fakeRedis('ready', [5, 30]);
    await expect(limiter(redis).hit('a@example.org', '198.51.100.1')).resolves.toBeUndefined();
    expect(keys).toEqual([
      expect.stringMatching(/^p:rate-limit:sign-in:email:[0-9a-f]{64}$/),
      expect.stringMatching(/^p:rate-limit:sign-in:ip:[0-9a-f]{64}$/),
    ]);
  });

  it.each([
    ['the address', [6, 1]],
    ['the client IP', [1, 31]],
  ])('refuses with Retry-After once %s is over its limit', async (_what, counts) => {
    const { redis } = fakeRedis('ready', counts, 1234);
    const error = await limiter(redis)
      .hit('a@example.org', '198.51.100.1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'rate_limited', options: { retryAfterSeconds: 1234 } });
  });

  it.each([
    ['Redis is not connected', fakeRedis('reconnecting', [99, 99]).redis],
    ['a command fails', fakeRedis('ready', [99, 99], 1, new Error('Connection is closed')).redis],
  ])('fails open, with a warning, when %s', async (_what, redis) => {
    await expect(limiter(redis).hit('a@example.org', undefined)).resolves.toBeUndefined();
    expect(Logger.prototype.warn).toHaveBeenCalledWith(
      expect.stringMatching(/^sign-in rate limit not applied/),
    );
  });
});
