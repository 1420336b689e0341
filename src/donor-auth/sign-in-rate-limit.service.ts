import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '../common/config/environment';
import { DomainError } from '../common/errors/domain-error';
import { QueueService } from '../common/queue/queue.service';

const WINDOW_SECONDS = 3600;
/** Sign-in requests one client IP may make an hour, whatever the addresses. */
export const SIGN_IN_REQUESTS_PER_IP_PER_HOUR = 30;

/** Keys name a SHA-256, never the address or IP itself: Redis is not a place for personal data. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Fixed one-hour windows counted in Redis, shared by every API process: per email address
 * (`RATE_LIMIT_SIGNIN`) and per client IP. Known and unknown addresses count alike, so the
 * limit reveals nothing. If Redis is down, sign-in requests go through and the log says so.
 */
@Injectable()
export class SignInRateLimitService {
  private readonly logger = new Logger(SignInRateLimitService.name);

  constructor(
    private readonly env: Environment,
    private readonly queues: QueueService,
  ) {}

  /** Counts one request; throws `rate_limited` (with Retry-After) when either count is over. */
  async hit(email: string, ip: string | undefined): Promise<void> {
    const prefix = `${this.env.QUEUE_PREFIX}:rate-limit:sign-in`;
    const limits = [
      { key: `${prefix}:email:${digest(email)}`, limit: this.env.RATE_LIMIT_SIGNIN },
      { key: `${prefix}:ip:${digest(ip ?? 'unknown')}`, limit: SIGN_IN_REQUESTS_PER_IP_PER_HOUR },
    ];
    let counts: { count: number; ttl: number }[];
    try {
      counts = await this.increment(limits.map((l) => l.key));
    } catch (error) {
      this.logger.warn(`sign-in rate limit not applied (${(error as Error).message})`);
      return;
    }
    const over = counts
      .filter((c, i) => c.count > limits[i].limit)
      .map((c) => (c.ttl > 0 ? c.ttl : WINDOW_SECONDS));
    if (over.length) {
      const seconds = Math.max(...over);
      throw new DomainError(
        'rate_limited',
        `Too many sign-in requests: try again in ${seconds} seconds`,
        { retryAfterSeconds: seconds },
      );
    }
  }

  private async increment(keys: string[]): Promise<{ count: number; ttl: number }[]> {
    const redis = this.queues.redis;
    // The producer connection has no offline queue: fail fast rather than wait for a reconnect.
    if (redis.status !== 'ready') throw new Error(`Redis is ${redis.status}`);
    const multi = redis.multi();
    for (const key of keys) multi.set(key, 0, 'EX', WINDOW_SECONDS, 'NX').incr(key).ttl(key);
    const replies = await multi.exec();
    if (!replies) throw new Error('Redis transaction was discarded');
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0] as Error;
    return keys.map((_, i) => ({
      count: Number(replies[i * 3 + 1][1]),
      ttl: Number(replies[i * 3 + 2][1]),
    }));
  }
}
