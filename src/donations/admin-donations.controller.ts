import { IdempotencyKey } from '../common/validation/idempotency-key.decorator';
import { Body, Controller, Param, Post, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { StaffOnly, StaffRequest } from '../auth/staff.guard';
import {
  CreateOfflineDonationDto,
  RefundDonationDto,
  VoidOfflineDonationDto,
} from './admin-donations.dto';
import { OfflineGiftsService } from './offline-gifts.service';
import { StaffRefundsService } from './staff-refunds.service';

@ApiTags('admin')
@Controller('v1/admin/donations')
export class AdminDonationsController {
  constructor(
    private readonly offline: OfflineGiftsService,
    private readonly refunds: StaffRefundsService,
  ) {}

  /** Records a cheque, bank transfer or cash gift: counted, in the ledger, receipted. */
  @Post()
  @StaffOnly('admin')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: 'The recorded gift' })
  record(@Body() dto: CreateOfflineDonationDto, @IdempotencyKey() key?: string) {
    return this.offline.record(dto, key);
  }

  /** Reverses an offline gift in full (a reversing ledger entry; the receipt is voided). */
  @Post(':id/void')
  @StaffOnly('admin')
  void(@Param('id') id: string, @Body() dto: VoidOfflineDonationDto) {
    return this.offline.void(id, dto.reason);
  }

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
