import { IdempotencyKey } from '../common/validation/idempotency-key.decorator';
import { Body, Controller, Param, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { CreationLimitsInterceptor } from '../common/rate-limit/creation-limits.interceptor';
import { RateLimitGuard } from '../common/rate-limit/rate-limit.guard';
import { CreateDonationDto, DonationCreatedView } from './create-donation.dto';
import { DonationsService } from './donations.service';

@ApiTags('donations')
@Controller('v1/campaigns/:slug/donations')
export class DonationsController {
  constructor(private readonly donations: DonationsService) {}

  /** Starts a one-off donation: a pending donation and a Stripe PaymentIntent to confirm. */
  @Post()
  @UseGuards(RateLimitGuard)
  @UseInterceptors(CreationLimitsInterceptor)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes a retried submit safe (8-255 characters)',
  })
  @ApiCreatedResponse({ type: DonationCreatedView })
  @ApiNotFoundResponse({ description: 'No such campaign' })
  @ApiConflictResponse({
    description: 'Campaign not active, or Idempotency-Key reused with another body',
  })
  @ApiTooManyRequestsResponse({
    description:
      'rate_limited (per client, email or campaign) or temporarily_blocked: see Retry-After',
  })
  @ApiBadRequestResponse({ description: 'Invalid field, or captchaToken missing when required' })
  @ApiForbiddenResponse({ description: 'captcha_failed: the CAPTCHA service refused the token' })
  @ApiServiceUnavailableResponse({
    description: 'captcha_unavailable: the CAPTCHA cannot be checked',
  })
  create(
    @Param('slug') slug: string,
    @Body() dto: CreateDonationDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<DonationCreatedView> {
    return this.donations.create(slug, dto, idempotencyKey);
  }
}
