import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';
import { OfflineDonationView } from '../../donations/offline-donations.service';
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
  @ApiOperation({
    operationId: 'recordOfflineDonation',
    summary: 'Record a cheque, bank transfer or cash gift (counted, receipted)',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retried request records once',
  })
  @ApiCreatedResponse({ type: OfflineDonationView, description: 'The recorded gift' })
  @ApiErrors({
    400: 'A field: a currency the campaign does not take, an amount Stripe could not charge, receivedOn in the future',
    404: 'No such campaign',
    409: 'Idempotency-Key reused with another body',
  })
  record(
    @Body() dto: CreateOfflineDonationDto,
    @IdempotencyKey() key?: string,
  ): Promise<OfflineDonationView> {
    return this.offline.record(dto, key);
  }

  /** Reverses an offline gift in full (a reversing ledger entry; the receipt is voided). */
  @Post(':id/void')
  @StaffOnly('admin')
  @ApiOperation({
    operationId: 'voidOfflineDonation',
    summary: 'Reverse an offline gift in full (its receipt is voided)',
  })
  @ApiCreatedResponse({ type: OfflineDonationView, description: 'The voided gift' })
  @ApiErrors({ 404: 'No such donation', 409: 'A card gift (refund it instead), or already voided' })
  void(@Param('id') id: string, @Body() dto: VoidOfflineDonationDto): Promise<OfflineDonationView> {
    return this.offline.void(id, dto.reason);
  }
}
