import { createHash } from 'node:crypto';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { Environment } from '../config/environment';
import { DomainError } from '../errors/domain-error';

/**
 * @nestjs/throttler's guard with our key namespace (so deployments and test runs sharing a
 * Redis do not share counters), one count per client across routes, and a message that says
 * when to come back.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly env: Environment,
  ) {
    super(options, storage, reflector);
  }

  /**
   * One count per client for each named limit, whatever the route: starting a donation, a
   * pledge or a Checkout and changing a pending gift all spend the same RATE_LIMIT_DONATIONS
   * (throttler's own key is per route, which would give a client that many per route). The
   * client's address is hashed, as throttler does.
   */
  protected generateKey(_context: ExecutionContext, suffix: string, name: string): string {
    const digest = createHash('sha256').update(`${name}-${suffix}`).digest('hex');
    return `${this.env.QUEUE_PREFIX}:rate-limit:${digest}`;
  }

  /** A 429 in our error body, with the standard Retry-After (throttler names its own per limit). */
  protected async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire || detail.timeToExpire));
    throw new DomainError(
      'rate_limited',
      `Too many requests from this client: try again in ${seconds} seconds`,
      { retryAfterSeconds: seconds },
    );
  }
}
