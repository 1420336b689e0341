import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RawBodyRequest } from '@nestjs/common';
import { Request } from 'express';
import { EventInboxService, Receipt } from './events/event-inbox.service';

@ApiTags('stripe')
@Controller('v1/stripe/webhook')
export class WebhookController {
  constructor(private readonly inbox: EventInboxService) {}

  /** Stripe's webhook: 200 once the event is stored; 400 for a bad signature; 503 if it cannot be stored. */
  @Post()
  @HttpCode(200)
  @ApiOkResponse({ description: 'Stored (or already stored)' })
  @ApiBadRequestResponse({ description: 'Missing, malformed or wrong signature: nothing stored' })
  receive(
    @Req() req: RawBodyRequest<Request>,
    @Headers('stripe-signature') signature?: string,
  ): Promise<Receipt> {
    return this.inbox.receive(this.inbox.verify(req.rawBody, signature));
  }
}
