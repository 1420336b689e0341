import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../../auth/staff.guard';
import { AuditReads } from '../../audit/audit.interceptor';
import { ListStripeEventsQuery } from './stripe-events.dto';
import { StripeEventsService } from './stripe-events.service';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/stripe-events')
export class AdminStripeEventsController {
  constructor(private readonly events: StripeEventsService) {}

  /** Stored Stripe events, newest first; `?status=failed` for those that need attention. */
  @Get()
  @AuditReads()
  @ApiOkResponse({ description: 'Events with their processing status and last error' })
  async list(@Query() query: ListStripeEventsQuery) {
    return { data: await this.events.list(query.status, query.limit, query.before) };
  }

  /** Processes a stored event again. */
  @Post(':id/replay')
  @HttpCode(202)
  replay(@Param('id') id: string) {
    return this.events.replay(id);
  }
}
