import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../auth/staff.guard';
import { PayoutsService } from './payouts.service';

@ApiTags('reports')
@StaffOnly('finance')
@Controller('v1/reports/payouts')
export class AdminPayoutsController {
  constructor(private readonly payouts: PayoutsService) {}

  /** A payout's balance transactions matched to our ledger entries, and any that do not match. */
  @Get(':id')
  @ApiOkResponse({ description: 'The payout, its matched lines, unmatched lines and totals' })
  reconcile(@Param('id') id: string) {
    return this.payouts.reconcile(id);
  }
}
