import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ListOf } from '../common/openapi/api-errors.decorator';
import { StaffOnly } from '../auth/staff.guard';
import {
  ListMaintenanceRunsQuery,
  MaintenanceRunView,
  MaintenanceTaskParam,
  QueuedRunView,
} from './maintenance.dto';
import { MaintenanceService } from './maintenance.service';

@ApiTags('admin')
@Controller('v1/admin/maintenance')
export class AdminMaintenanceController {
  constructor(private readonly maintenance: MaintenanceService) {}

  /** The last self-repair runs, newest first: when, how they ended, what they found. */
  @Get()
  @StaffOnly('finance')
  @ApiOperation({ operationId: 'listMaintenanceRuns', summary: 'The last self-repair runs' })
  @ApiOkResponse({ type: ListOf(MaintenanceRunView) })
  async list(@Query() query: ListMaintenanceRunsQuery): Promise<{ data: MaintenanceRunView[] }> {
    return { data: await this.maintenance.list(query.task, query.limit, query.before) };
  }

  /** Runs a task now: queued for a worker, recorded like a scheduled run (trigger `manual`). */
  @Post(':task/run')
  @StaffOnly('admin')
  @HttpCode(202)
  @ApiOperation({ operationId: 'runMaintenanceTask', summary: 'Run a self-repair task now' })
  @ApiAcceptedResponse({ type: QueuedRunView })
  @ApiErrors({ 503: 'The queue cannot be reached (code: `unavailable`)' })
  run(@Param() params: MaintenanceTaskParam): Promise<QueuedRunView> {
    return this.maintenance.requestRun(params.task);
  }
}
