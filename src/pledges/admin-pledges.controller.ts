import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../auth/staff.guard';
import { AuditReads } from '../audit/audit.interceptor';
import { ApiErrors, ListOf } from '../common/openapi/api-errors.decorator';
import {
  ChangePledgeAmountDto,
  MovePledgeDto,
  ListPledgesQuery,
  PausePledgeDto,
} from './create-pledge.dto';
import { PledgesService } from './pledges.service';
import { PledgeOperations } from './pledge-operations';
import { PledgeCardSetupView, PledgeView } from './pledge.views';

const CHANGE_ERRORS = {
  404: 'No such pledge',
  409: 'The pledge is not in a state that allows this (canceled, completed, not started; past due for a pause), or the campaign is closed',
  422: 'Stripe refused the change',
  502: 'Stripe failed or could not be reached',
};

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
  @ApiOperation({
    operationId: 'listPledges',
    summary: 'Pledges, newest first, optionally by status',
  })
  @ApiOkResponse({ type: ListOf(PledgeView) })
  @ApiErrors({ 400: 'A malformed status, limit or before' })
  async list(@Query() query: ListPledgesQuery): Promise<{ data: PledgeView[] }> {
    return { data: await this.pledges.list(query.status, query.limit, query.before) };
  }

  @Get(':id')
  @AuditReads()
  @ApiOperation({ operationId: 'getPledge', summary: 'Any pledge' })
  @ApiOkResponse({ type: PledgeView })
  @ApiErrors({ 404: 'No such pledge' })
  get(@Param('id') id: string): Promise<PledgeView> {
    return this.ops(this.staff).get(id);
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updatePledgeAmount',
    summary: 'Change any pledge’s amount from the next payment on',
  })
  @ApiOkResponse({ type: PledgeView })
  @ApiErrors({ 400: 'amount outside the campaign’s limits', ...CHANGE_ERRORS })
  changeAmount(@Param('id') id: string, @Body() dto: ChangePledgeAmountDto): Promise<PledgeView> {
    return this.ops(this.staff).changeAmount(id, dto);
  }

  @Post(':id/pause')
  @ApiOperation({ operationId: 'pausePledge', summary: 'Pause any pledge, until a date or not' })
  @ApiCreatedResponse({ type: PledgeView })
  @ApiErrors({ 400: 'until is not in the future', ...CHANGE_ERRORS })
  pause(@Param('id') id: string, @Body() dto: PausePledgeDto): Promise<PledgeView> {
    return this.ops(this.staff).pause(id, dto);
  }

  @Post(':id/resume')
  @ApiOperation({ operationId: 'resumePledge', summary: 'Resume a paused pledge' })
  @ApiCreatedResponse({ type: PledgeView })
  @ApiErrors(CHANGE_ERRORS)
  resume(@Param('id') id: string): Promise<PledgeView> {
    return this.ops(this.staff).resume(id);
  }

  @Post(':id/cancel')
  @ApiOperation({ operationId: 'cancelPledge', summary: 'Cancel any pledge: no further payment' })
  @ApiCreatedResponse({ type: PledgeView })
  @ApiErrors(CHANGE_ERRORS)
  cancel(@Param('id') id: string): Promise<PledgeView> {
    return this.ops(this.staff).cancel(id);
  }

  @Post(':id/payment-method')
  @ApiOperation({
    operationId: 'createPledgeCardSetup',
    summary: 'Start replacing a pledge’s card: a SetupIntent for the donor to confirm',
  })
  @ApiCreatedResponse({ type: PledgeCardSetupView })
  @ApiErrors(CHANGE_ERRORS)
  paymentMethod(@Param('id') id: string): Promise<PledgeCardSetupView> {
    return this.ops(this.staff).paymentMethod(id);
  }

  @Post(':id/move')
  @ApiOperation({
    operationId: 'movePledge',
    summary: 'Give any pledge to another campaign from the next payment on: same card, same amount',
  })
  @ApiCreatedResponse({ type: PledgeView })
  @ApiErrors({
    400: 'campaign is unknown, the same, or does not take the pledge’s currency',
    ...CHANGE_ERRORS,
  })
  move(@Param('id') id: string, @Body() dto: MovePledgeDto): Promise<PledgeView> {
    return this.ops(this.staff).move(id, dto);
  }
}
