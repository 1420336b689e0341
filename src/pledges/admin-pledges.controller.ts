import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../auth/staff.guard';
import { AuditReads } from '../audit/audit.interceptor';
import { ChangePledgeAmountDto, ListPledgesQuery, PausePledgeDto } from './create-pledge.dto';
import { PledgesService } from './pledges.service';
import { PledgeOperations } from './pledge-operations';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/pledges')
export class AdminPledgesController extends PledgeOperations {
  private readonly staff = { staff: true } as const;

  constructor(protected readonly pledges: PledgesService) {
    super();
  }

  @Get()
  @AuditReads()
  @ApiOkResponse({ description: 'Pledges, newest first, optionally by status' })
  async list(@Query() query: ListPledgesQuery) {
    return { data: await this.pledges.list(query.status, query.limit, query.before) };
  }

  @Get(':id')
  @AuditReads()
  get(@Param('id') id: string) {
    return this.ops(this.staff).get(id);
  }

  @Patch(':id')
  changeAmount(@Param('id') id: string, @Body() dto: ChangePledgeAmountDto) {
    return this.ops(this.staff).changeAmount(id, dto);
  }

  @Post(':id/pause')
  pause(@Param('id') id: string, @Body() dto: PausePledgeDto) {
    return this.ops(this.staff).pause(id, dto);
  }

  @Post(':id/resume')
  resume(@Param('id') id: string) {
    return this.ops(this.staff).resume(id);
  }

  @Post(':id/cancel')
  cancel(@Param('id') id: string) {
    return this.ops(this.staff).cancel(id);
  }

  @Post(':id/payment-method')
  paymentMethod(@Param('id') id: string) {
    return this.ops(this.staff).paymentMethod(id);
  }
}
