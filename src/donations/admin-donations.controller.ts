import { IdempotencyKey } from '../common/validation/idempotency-key.decorator';
import { Body, Controller, Param, Post, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { StaffOnly, StaffRequest } from '../auth/staff.guard';
import { RefundDonationDto } from './admin-donations.dto';
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
  @ApiConflictResponse({ description: 'More than remains, or an offline gift' })
  refund(
    @Param('id') id: string,
    @Body() dto: RefundDonationDto,
    @Req() req: StaffRequest,
    @IdempotencyKey() key?: string,
  ) {
    return this.refunds.refund(id, dto, req.staff!.name, key);
  }
}
