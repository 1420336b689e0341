import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { PayoutReconciliationView } from './payout.views';
import { StaffOnly } from '../auth/staff.guard';
import { PayoutsService } from './payouts.service';

@ApiTags('reports')
@StaffOnly('finance')
@Controller('v1/reports/payouts')
export class AdminPayoutsController {
  constructor(private readonly payouts: PayoutsService) {}

  /** A payout's balance transactions matched to our ledger entries, and any that do not match. */
  @Get(':id')
  @ApiOperation({
    operationId: 'reconcilePayout',
    summary: 'A payout’s balance transactions matched to our ledger',
  })
  @ApiOkResponse({
    type: PayoutReconciliationView,
    description: 'The payout, its matched lines, unmatched lines and totals',
  })
  @ApiErrors({ 404: 'No such payout recorded', 502: 'Stripe failed or could not be reached' })
  reconcile(@Param('id') id: string): Promise<PayoutReconciliationView> {
    return this.payouts.reconcile(id);
  }
}
