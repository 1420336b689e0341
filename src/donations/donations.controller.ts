import { IdempotencyKey } from '../common/validation/idempotency-key.decorator';
import { Body, Controller, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { RateLimitGuard } from '../common/rate-limit/rate-limit.guard';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { ApiClientSecret, ClientSecret } from '../common/validation/client-secret.decorator';
import { StartsGift } from '../common/rate-limit/gift-creation.decorator';
import { CreateDonationDto, DonationCreatedView } from './create-donation.dto';
import { DonationsService } from './donations.service';
import { ChangeDonationDto, DonationChangedView } from './quote.dto';

@ApiTags('donations')
@Controller('v1/campaigns/:slug/donations')
export class DonationsController {
  constructor(private readonly donations: DonationsService) {}

  /** Starts a one-off donation: a pending donation and a Stripe PaymentIntent to confirm. */
  @Post()
  @ApiOperation({
    operationId: 'createDonation',
    summary: 'Start a one-off donation: a PaymentIntent to confirm with Stripe.js',
  })
  @StartsGift(DonationCreatedView)
  create(
    @Param('slug') slug: string,
    @Body() dto: CreateDonationDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<DonationCreatedView> {
    return this.donations.create(slug, dto, idempotencyKey);
  }

  /**
   * Changes a pending gift's amount or fee choice (the donor toggled "cover the fees"): its
   * PaymentIntent is updated, not replaced. The site proves it started the gift with the
   * PaymentIntent's client secret.
   */
  @Patch(':id')
  @UseGuards(RateLimitGuard)
  @ApiOperation({
    operationId: 'updatePendingDonation',
    summary: 'Change a pending gift’s amount or coverFees (its PaymentIntent is updated)',
  })
  @ApiClientSecret()
  @ApiOkResponse({ type: DonationChangedView })
  @ApiErrors({
    400: 'A field (or neither amount nor coverFees), an amount outside the campaign’s limits, or X-Client-Secret missing',
    409: 'The payment is already confirmed, or the campaign does not take gifts now',
    429: 'Too many gifts started or changed by this client (RATE_LIMIT_DONATIONS a minute): see Retry-After',
    502: 'Stripe failed or could not be reached',
  })
  change(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Body() dto: ChangeDonationDto,
    @ClientSecret() clientSecret: string,
  ): Promise<DonationChangedView> {
    return this.donations.changePending(slug, id, clientSecret, dto);
  }
}
