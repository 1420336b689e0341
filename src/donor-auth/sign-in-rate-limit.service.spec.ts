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

  it('lets requests through up to the limits, and keys on hashes, never the address or IP', async () => {
    const { redis, keys } = fakeRedis('ready', [30, 5]);
    await expect(limiter(redis).hitClient('198.51.100.1')).resolves.toBeUndefined();
    await expect(limiter(redis).hitAddress('a@example.org')).resolves.toBe(true);
    expect(keys).toEqual([
      expect.stringMatching(/^p:rate-limit:sign-in:ip:[0-9a-f]{64}$/),
      expect.stringMatching(/^p:rate-limit:sign-in:email:[0-9a-f]{64}$/),
    ]);
  });

  it('refuses a client over its limit with Retry-After', async () => {
    const { redis } = fakeRedis('ready', [31], 1234);
    const error = await limiter(redis)
      .hitClient('198.51.100.1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'rate_limited', options: { retryAfterSeconds: 1234 } });
  });

  it('answers false for an address over its limit (no error: the caller already answered)', async () => {
    const { redis } = fakeRedis('ready', [6]);
    await expect(limiter(redis).hitAddress('a@example.org')).resolves.toBe(false);
  });

  it.each([
    ['Redis is not connected', () => fakeRedis('reconnecting', [99]).redis],
    ['a command fails', () => fakeRedis('ready', [99], 1, new Error('Connection is closed')).redis],
  ])('fails open, with a warning, when %s', async (_what, redis) => {
    await expect(limiter(redis()).hitClient(undefined)).resolves.toBeUndefined();
    await expect(limiter(redis()).hitAddress('a@example.org')).resolves.toBe(true);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(
      expect.stringMatching(/^sign-in rate limit not applied/),
    );
  });
});
