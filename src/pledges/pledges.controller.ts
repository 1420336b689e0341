import { IdempotencyKey } from '../common/validation/idempotency-key.decorator';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { StartsGift } from '../common/rate-limit/gift-creation.decorator';
import { CreatePledgeDto, PledgeCreatedView } from './create-pledge.dto';
import { PledgesService } from './pledges.service';

@ApiTags('pledges')
@Controller('v1/campaigns/:slug/pledges')
export class PledgesController {
  constructor(private readonly pledges: PledgesService) {}

  /** Starts a recurring gift: a Subscription whose first payment the site confirms. */
  @Post()
  @ApiOperation({
    operationId: 'createPledge',
    summary:
      'Start a weekly, monthly, quarterly or yearly pledge: a Subscription whose first payment to confirm',
  })
  @StartsGift(PledgeCreatedView)
  create(
    @Param('slug') slug: string,
    @Body() dto: CreatePledgeDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<PledgeCreatedView> {
    return this.pledges.create(slug, dto, idempotencyKey);
  }
}
