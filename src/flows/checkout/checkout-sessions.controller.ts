import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { StartsGift } from '../../common/rate-limit/gift-creation.decorator';
import { IdempotencyKey } from '../../common/validation/idempotency-key.decorator';
import { CheckoutSessionsService } from './checkout-sessions.service';
import {
  CheckoutSessionCreatedView,
  CreateCheckoutSessionDto,
} from './create-checkout-session.dto';

@ApiTags('donations')
@Controller('v1/campaigns/:slug/checkout-sessions')
export class CheckoutSessionsController {
  constructor(private readonly checkout: CheckoutSessionsService) {}

  /** Starts a gift (or, with `interval`, a pledge) paid on Stripe's hosted Checkout page. */
  @Post()
  @ApiOperation({
    operationId: 'createCheckoutSession',
    summary: 'Start a gift or pledge paid on Stripe’s hosted Checkout page',
  })
  @StartsGift(CheckoutSessionCreatedView)
  create(
    @Param('slug') slug: string,
    @Body() dto: CreateCheckoutSessionDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<CheckoutSessionCreatedView> {
    return this.checkout.create(slug, dto, idempotencyKey);
  }
}
