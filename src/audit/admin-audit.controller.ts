import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListOf } from '../common/openapi/api-errors.decorator';
import { StaffOnly } from '../auth/staff.guard';
import { AuditLog } from './audit-log.entity';
import { AuditService } from './audit.service';
import { auditCursor, AuditEntryView, ListAuditQuery } from './list-audit.dto';

function view(a: AuditLog): AuditEntryView {
  return {
    id: String(a.id),
    staffKeyId: a.staffKeyId,
    staffKeyName: a.staffKeyName,
    role: a.role,
    action: a.action,
    target: a.target,
    request: a.request,
    response: a.response,
    statusCode: a.statusCode,
    occurredAt: a.occurredAt.toISOString(),
  };
}

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/audit')
export class AdminAuditController {
  constructor(private readonly audit: AuditService) {}

  /** Staff actions, newest first; the next page is `before=<id of the last entry>`. */
  @Get()
  @ApiOperation({ operationId: 'listAuditEntries', summary: 'Staff actions, newest first' })
  @ApiOkResponse({ type: ListOf(AuditEntryView) })
  async list(@Query() query: ListAuditQuery): Promise<{ data: AuditEntryView[] }> {
    const rows = await this.audit.list({
      limit: query.limit,
      before: auditCursor(query.before),
      action: query.action,
      keyId: query.keyId,
    });
    return { data: rows.map(view) };
  }
}
