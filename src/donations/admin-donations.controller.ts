import { IdempotencyKey } from '../common/validation/idempotency-key.decorator';
import { Body, Controller, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffOnly, StaffRequest } from '../auth/staff.guard';
import { RefundDonationDto, StaffRefundView } from './admin-donations.dto';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { StaffRefundsService } from './staff-refunds.service';

@ApiTags('admin')
@Controller('v1/admin/donations')
export class AdminDonationsController {
  constructor(private readonly refunds: StaffRefundsService) {}

  /** Refunds a card gift through Stripe, never more than remains. */
  @Post(':id/refunds')
  @StaffOnly('finance')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retried request refunds once',
  })
  @ApiOperation({
    operationId: 'refundDonation',
    summary: 'Refund a card gift through Stripe, never more than remains',
  })
  @ApiCreatedResponse({ type: StaffRefundView })
  @ApiErrors({
    404: 'No such donation',
    409: 'More than remains, an offline gift, a gift not succeeded, or Idempotency-Key reused with another body',
    502: 'Stripe did not answer: retry with the same Idempotency-Key',
  })
  refund(
    @Param('id') id: string,
    @Body() dto: RefundDonationDto,
    @Req() req: StaffRequest,
    @IdempotencyKey() key?: string,
  ): Promise<StaffRefundView> {
    return this.refunds.refund(id, dto, req.staff!.name, key);
  }
}
