import { SetMetadata, Type, UseGuards, UseInterceptors, applyDecorators } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { CREATION_KIND, CreationLimitsInterceptor } from './creation-limits.interceptor';
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

/**
 * The same limits on a public route that starts a signature: per client (shared with gifts),
 * per email and per campaign (windows of their own, counted only when a confirmation link is
 * mailed), and the optional CAPTCHA.
 */
export function StartsSignature(): MethodDecorator {
  return applyDecorators(
    SetMetadata(CREATION_KIND, 'signature'),
    UseGuards(RateLimitGuard),
    UseInterceptors(CreationLimitsInterceptor),
    ApiErrors({
      400: 'Invalid field, or captchaToken missing when required',
      403: 'The CAPTCHA service refused the token (code: `captcha_failed`)',
      429: 'Too many requests per client, or signatures per email or campaign: see Retry-After',
      503: 'The CAPTCHA cannot be checked (code: `captcha_unavailable`)',
    }),
  );
}
