import { Logger } from '@nestjs/common';
import IORedis, { Redis, RedisOptions } from 'ioredis';

/**
 * Producers (the API) fail fast when Redis is down, so a request never hangs on it; the
 * worker's blocking connections wait and reconnect for as long as it takes, as BullMQ asks.
 */
export function createRedis(url: string, role: 'producer' | 'worker'): Redis {
  const options: RedisOptions =
    role === 'producer'
      ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 }
      : { maxRetriesPerRequest: null, enableOfflineQueue: true };
  const redis = new IORedis(url, {
    ...options,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Errors surface through commands and readiness; an unhandled 'error' event would crash.
  redis.on('error', () => undefined);
  return redis;
}

/** BullMQ loses jobs if Redis may evict keys: say so loudly at boot. */
export async function warnUnlessNoEviction(redis: Redis, logger: Logger): Promise<void> {
  try {
    if (redis.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('Redis is not reachable yet')), 3000);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply?.[1];
    if (policy && policy !== 'noeviction') {
      logger.warn(
        `Redis maxmemory-policy is "${policy}": set it to "noeviction" or queued jobs may be evicted`,
      );
    }
  } catch (error) {
    logger.warn(`Could not read Redis maxmemory-policy: ${(error as Error).message}`);
  }
}
