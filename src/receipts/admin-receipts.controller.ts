import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ListOf } from '../common/openapi/api-errors.decorator';
import { StaffOnly } from '../auth/staff.guard';
import { AuditReads } from '../audit/audit.interceptor';
import { ListReceiptsQuery } from './receipts.dto';
import { ReceiptsService, ReceiptView } from './receipts.service';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/receipts')
export class AdminReceiptsController {
  constructor(private readonly receipts: ReceiptsService) {}

  /** Receipts by sending status; `?status=failed` for those staff must look at. */
  @Get()
  @AuditReads()
  @ApiOperation({ operationId: 'listReceipts', summary: 'Receipts by sending status' })
  @ApiOkResponse({ type: ListOf(ReceiptView) })
  async list(@Query() query: ListReceiptsQuery): Promise<{ data: ReceiptView[] }> {
    return { data: await this.receipts.list(query.status, query.limit, query.before) };
  }

  @Post(':id/resend')
  @HttpCode(202)
  @ApiOperation({ operationId: 'resendReceipt', summary: 'Send a receipt again (queued)' })
  @ApiAcceptedResponse({ type: ReceiptView, description: 'Queued for sending' })
  @ApiErrors({ 404: 'No such receipt' })
  resend(@Param('id') id: string): Promise<ReceiptView> {
    return this.receipts.resend(id);
  }
}
