import { IdempotencyKey } from '../common/validation/idempotency-key.decorator';
import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiClientSecret()
  @ApiOkResponse({ type: DonationChangedView })
  change(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Body() dto: ChangeDonationDto,
    @ClientSecret() clientSecret: string,
  ): Promise<DonationChangedView> {
    return this.donations.changePending(slug, id, clientSecret, dto);
  }
}
