import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../auth/staff.guard';
import { AuditReads } from '../audit/audit.interceptor';
import { ListReceiptsQuery } from './receipts.dto';
import { ReceiptsService } from './receipts.service';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/receipts')
export class AdminReceiptsController {
  constructor(private readonly receipts: ReceiptsService) {}

  /** Receipts by sending status; `?status=failed` for those staff must look at. */
  @Get()
  @AuditReads()
  async list(@Query() query: ListReceiptsQuery) {
    return { data: await this.receipts.list(query.status, query.limit, query.before) };
  }

  @Post(':id/resend')
  @HttpCode(202)
  resend(@Param('id') id: string) {
    return this.receipts.resend(id);
  }
}
