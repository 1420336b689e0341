import { Type, UseGuards, UseInterceptors, applyDecorators } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
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
    ApiCreatedResponse({
      type: created,
      description: 'Started: confirm the payment with Stripe.js',
    }),
    ApiErrors({
      400: 'Invalid field (amount below the campaign’s minimum, a currency it does not take…), or captchaToken missing when required',
      403: 'The CAPTCHA service refused the token (code: `captcha_failed`)',
      404: 'No such campaign',
      409: 'Campaign not active, or Idempotency-Key reused with another body',
      429: 'Too many gifts per client, email or campaign, or too many failed payments: see Retry-After',
      502: 'Stripe failed or could not be reached',
      503: 'The CAPTCHA cannot be checked (code: `captcha_unavailable`)',
    }),
  );
}
