import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '../common/config/environment';
import { DomainError } from '../common/errors/domain-error';
import { clientOf } from '../common/rate-limit/abuse-keys';
import { QueueService } from '../common/queue/queue.service';

const WINDOW_SECONDS = 3600;
/** Sign-in requests one client IP may make an hour, whatever the addresses. */
export const SIGN_IN_REQUESTS_PER_IP_PER_HOUR = 30;
/** Email changes one signed-in donor may ask for an hour (each mails a link to an address). */
export const EMAIL_CHANGES_PER_DONOR_PER_HOUR = 5;

/** Keys name a SHA-256, never the address or IP itself: Redis is not a place for personal data. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Fixed one-hour windows counted in Redis, shared by every API process: per client IP, checked
 * before the answer (429), and per email address (`RATE_LIMIT_SIGNIN`), checked after it, with
 * the rest of the per-address work: over its limit an address silently gets no more links, so
 * neither the answer nor its timing depends on the address. Email-change links count against
 * their new address's limit too, and against the signed-in donor's own hourly limit (429). If
 * Redis is down, requests go through and the log says so.
 */
@Injectable()
export class SignInRateLimitService {
  private readonly logger = new Logger(SignInRateLimitService.name);

  constructor(
    private readonly env: Environment,
    private readonly queues: QueueService,
  ) {}

  private get prefix(): string {
    return `${this.env.QUEUE_PREFIX}:rate-limit:sign-in`;
  }

  /** Counts one request from this client; throws `rate_limited` (with Retry-After) when over. */
  async hitClient(ip: string | undefined): Promise<void> {
    // An IPv6 client counts by its /64, as the donation limits do: it can pick any address in it.
    const count = await this.count(`${this.prefix}:ip:${digest(clientOf(ip))}`);
    if (!count || count.count <= SIGN_IN_REQUESTS_PER_IP_PER_HOUR) return;
    const seconds = count.ttl > 0 ? count.ttl : WINDOW_SECONDS;
    throw new DomainError(
      'rate_limited',
      `Too many sign-in requests: try again in ${seconds} seconds`,
      { retryAfterSeconds: seconds },
    );
  }

  /** Counts one request for this (normalised) address; true while it is within its limit. */
  async hitAddress(email: string): Promise<boolean> {
    const count = await this.count(`${this.prefix}:email:${digest(email)}`);
    return !count || count.count <= this.env.RATE_LIMIT_SIGNIN;
  }

  /**
   * Counts one email change asked for by this donor; throws `rate_limited` (with Retry-After)
   * when over. The donor is signed in and typed the address: an explicit 429 reveals nothing.
   */
  async hitEmailChange(donorId: string): Promise<void> {
    const count = await this.count(`${this.prefix}:email-change:${donorId}`);
    if (!count || count.count <= EMAIL_CHANGES_PER_DONOR_PER_HOUR) return;
    const seconds = count.ttl > 0 ? count.ttl : WINDOW_SECONDS;
    throw new DomainError(
      'rate_limited',
      `Too many email changes asked for: try again in ${seconds} seconds`,
      { retryAfterSeconds: seconds },
    );
  }

  /** The key's count after this hit and its seconds to live; null when Redis did not answer. */
  private async count(key: string): Promise<{ count: number; ttl: number } | null> {
    try {
      const redis = this.queues.redis;
      // The producer connection has no offline queue: fail fast rather than wait for a reconnect.
      if (redis.status !== 'ready') throw new Error(`Redis is ${redis.status}`);
      const replies = await redis
        .multi()
        .set(key, 0, 'EX', WINDOW_SECONDS, 'NX')
        .incr(key)
        .ttl(key)
        .exec();
      if (!replies) throw new Error('Redis transaction was discarded');
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0] as Error;
      return { count: Number(replies[1][1]), ttl: Number(replies[2][1]) };
    } catch (error) {
      this.logger.warn(`sign-in rate limit not applied (${(error as Error).message})`);
      return null;
    }
  }
}
