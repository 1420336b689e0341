import { IdempotencyKey } from '../common/validation/idempotency-key.decorator';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { StartsGift } from '../common/rate-limit/gift-creation.decorator';
import { CreateDonationDto, DonationCreatedView } from './create-donation.dto';
import { DonationsService } from './donations.service';

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
}
