import { Body, Controller, Headers, Param, Post, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { StaffOnly, StaffRequest } from '../auth/staff.guard';
import { DomainError } from '../common/errors/domain-error';
import {
  CreateOfflineDonationDto,
  RefundDonationDto,
  VoidOfflineDonationDto,
} from './admin-donations.dto';
import { OfflineGiftsService } from './offline-gifts.service';
import { StaffRefundsService } from './staff-refunds.service';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,255}$/;

function checkedKey(key?: string): string | undefined {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new DomainError(
      'validation_failed',
      'Idempotency-Key must be 8-255 letters, digits, _ . : or -',
    );
  }
  return key;
}

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
  record(@Body() dto: CreateOfflineDonationDto, @Headers('idempotency-key') key?: string) {
    return this.offline.record(dto, checkedKey(key));
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
    @Headers('idempotency-key') key?: string,
  ) {
    return this.refunds.refund(id, dto, req.staff!.name, checkedKey(key));
  }
}
