import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../auth/staff.guard';
import { ApiErrors, ListOf } from '../common/openapi/api-errors.decorator';
import { CreateActionDto, UpdateActionDto } from './action.dto';
import { AdminActionView } from './action.views';
import { ActionsService } from './actions.service';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin')
export class AdminActionsController {
  constructor(private readonly actions: ActionsService) {}

  @Post('campaigns/:slug/actions')
  @ApiOperation({ operationId: 'createAction', summary: 'Create an action of a campaign' })
  @ApiCreatedResponse({ type: AdminActionView, description: 'The new action, letter version 1' })
  @ApiErrors({
    400: 'A field',
    404: 'No such campaign',
    409: 'The campaign has an action with this slug',
  })
  create(@Param('slug') slug: string, @Body() dto: CreateActionDto): Promise<AdminActionView> {
    return this.actions.create(slug, dto);
  }

  @Get('campaigns/:slug/actions')
  @ApiOperation({
    operationId: 'listCampaignActions',
    summary: 'A campaign’s actions, drafts and closed ones included',
  })
  @ApiOkResponse({ type: ListOf(AdminActionView) })
  @ApiErrors({ 404: 'No such campaign' })
  async list(@Param('slug') slug: string): Promise<{ data: AdminActionView[] }> {
    return { data: await this.actions.listForCampaign(slug) };
  }

  @Get('actions/:id')
  @ApiOperation({ operationId: 'getAction', summary: 'One action, with its counts' })
  @ApiOkResponse({ type: AdminActionView })
  @ApiErrors({ 404: 'No such action' })
  get(@Param('id') id: string): Promise<AdminActionView> {
    return this.actions.get(id);
  }

  @Patch('actions/:id')
  @ApiOperation({
    operationId: 'updateAction',
    summary:
      'Change an action; a letter edit makes a new version once a signature endorses the current one',
  })
  @ApiOkResponse({ type: AdminActionView })
  @ApiErrors({ 400: 'A field', 404: 'No such action', 409: 'The action is closed' })
  update(@Param('id') id: string, @Body() dto: UpdateActionDto): Promise<AdminActionView> {
    return this.actions.update(id, dto);
  }

  @Post('actions/:id/close')
  @HttpCode(200)
  @ApiOperation({ operationId: 'closeAction', summary: 'Close an action: no more signatures' })
  @ApiOkResponse({ type: AdminActionView, description: 'The closed action' })
  @ApiErrors({ 404: 'No such action' })
  close(@Param('id') id: string): Promise<AdminActionView> {
    return this.actions.close(id);
  }
}
