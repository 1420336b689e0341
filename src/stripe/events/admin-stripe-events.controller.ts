import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ListOf } from '../../common/openapi/api-errors.decorator';
import { StaffOnly } from '../../auth/staff.guard';
import { AuditReads } from '../../audit/audit.interceptor';
import { ListStripeEventsQuery, ReplayedEventView, StripeEventView } from './stripe-events.dto';
import { StripeEventsService } from './stripe-events.service';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/stripe-events')
export class AdminStripeEventsController {
  constructor(private readonly events: StripeEventsService) {}

  /** Stored Stripe events, newest first; `?status=failed` for those that need attention. */
  @Get()
  @AuditReads()
  @ApiOperation({ operationId: 'listStripeEvents', summary: 'Stored Stripe events, newest first' })
  @ApiOkResponse({
    type: ListOf(StripeEventView),
    description: 'Events with their processing status and last error',
  })
  async list(@Query() query: ListStripeEventsQuery): Promise<{ data: StripeEventView[] }> {
    return { data: await this.events.list(query.status, query.limit, query.before) };
  }

  /** Processes a stored event again. */
  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ operationId: 'replayStripeEvent', summary: 'Process a stored event again' })
  @ApiAcceptedResponse({ type: ReplayedEventView, description: 'Queued for processing' })
  @ApiErrors({ 404: 'No such stored event' })
  replay(@Param('id') id: string): Promise<ReplayedEventView> {
    return this.events.replay(id);
  }
}
