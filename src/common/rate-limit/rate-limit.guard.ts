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
 * Redis do not share counters) and a message that says when to come back.
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

  protected generateKey(context: ExecutionContext, suffix: string, name: string): string {
    return `${this.env.QUEUE_PREFIX}:rate-limit:${super.generateKey(context, suffix, name)}`;
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
