import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiClientSecret, ClientSecret } from '../../common/validation/client-secret.decorator';
import { DonationsService } from '../../donations/donations.service';
import { ReceiptsService } from '../../receipts/receipts.service';
import { GiftStatus, GiftStatusView } from './gift-status.dto';

@ApiTags('donations')
@Controller('v1/donations')
export class GiftStatusController {
  constructor(
    private readonly donations: DonationsService,
    private readonly receipts: ReceiptsService,
  ) {}

  /**
   * A gift's status for the thank-you page of the site that started it, which proves it with
   * the PaymentIntent's client secret it was given. 404 alike for an unknown id and a wrong
   * secret: the answer tells nothing to someone who knows only an id.
   */
  @Get(':id/status')
  @ApiOperation({
    operationId: 'getGiftStatus',
    summary: 'A gift’s status and receipt number, for the thank-you page',
  })
  @ApiClientSecret()
  @ApiOkResponse({ type: GiftStatusView })
  async status(
    @Param('id') id: string,
    @ClientSecret() clientSecret: string,
  ): Promise<GiftStatusView> {
    const donation = await this.donations.withClientSecret(id, clientSecret);
    const status = statusOf(donation);
    return {
      status,
      amount: donation.amount,
      currency: donation.currency.trim(),
      counted: status === 'succeeded' || status === 'refunded',
      receiptNumber: await this.receipts.currentNumber(donation.id),
    };
  }
}

/**
 * The donation's state as a donor understands it. A donation is marked succeeded in the
 * transaction that appends its charge to the ledger, so succeeded means counted.
 */
function statusOf(donation: {
  status: string;
  refundedAmount: number;
  receivedAmount: number | null;
  amount: number;
}): GiftStatus {
  switch (donation.status) {
    case 'succeeded': {
      const received = donation.receivedAmount ?? donation.amount;
      return donation.refundedAmount > 0 && donation.refundedAmount >= received
        ? 'refunded'
        : 'succeeded';
    }
    case 'processing':
      return 'processing';
    case 'pending':
      return 'pending';
    default:
      return 'failed';
  }
}
