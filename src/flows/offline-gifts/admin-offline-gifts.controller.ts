import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../../auth/staff.guard';
import { IdempotencyKey } from '../../common/validation/idempotency-key.decorator';
import {
  CreateOfflineDonationDto,
  VoidOfflineDonationDto,
} from '../../donations/admin-donations.dto';
import { OfflineGiftsService } from './offline-gifts.service';

/** Staff record and void cheque, transfer and cash gifts. */
@ApiTags('admin')
@Controller('v1/admin/donations')
export class AdminOfflineGiftsController {
  constructor(private readonly offline: OfflineGiftsService) {}

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
}
