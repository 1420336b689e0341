import { Type, UseGuards, UseInterceptors, applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { CreationLimitsInterceptor } from './creation-limits.interceptor';
import { RateLimitGuard } from './rate-limit.guard';

/**
 * What every public route that starts a gift (a donation, a pledge) shares: the per-client rate
 * limit, the per-email, per-campaign and failed-payment limits with the optional CAPTCHA, the
 * Idempotency-Key header, and the answers those give, documented once.
 */
export function StartsGift(created: Type<unknown>): MethodDecorator {
  return applyDecorators(
    UseGuards(RateLimitGuard),
    UseInterceptors(CreationLimitsInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Makes a retried submit safe (8-255 characters)',
    }),
    ApiCreatedResponse({ type: created }),
    ApiNotFoundResponse({ description: 'No such campaign' }),
    ApiConflictResponse({
      description: 'Campaign not active, or Idempotency-Key reused with another body',
    }),
    ApiTooManyRequestsResponse({
      description:
        'rate_limited (per client, email or campaign) or temporarily_blocked: see Retry-After',
    }),
    ApiBadRequestResponse({ description: 'Invalid field, or captchaToken missing when required' }),
    ApiForbiddenResponse({ description: 'captcha_failed: the CAPTCHA service refused the token' }),
    ApiServiceUnavailableResponse({
      description: 'captcha_unavailable: the CAPTCHA cannot be checked',
    }),
  );
}
