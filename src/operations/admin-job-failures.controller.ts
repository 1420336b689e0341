import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListOf } from '../common/openapi/api-errors.decorator';
import { StaffOnly } from '../auth/staff.guard';
import { AuditReads } from '../audit/audit.interceptor';
import { JobFailuresService } from '../common/queue/job-failures.service';
import { JobFailureView, ListJobFailuresQuery } from './list-job-failures.dto';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/job-failures')
export class AdminJobFailuresController {
  constructor(private readonly failures: JobFailuresService) {}

  /** Jobs that used up their retries, newest first. */
  @Get()
  @AuditReads()
  @ApiOperation({ operationId: 'listJobFailures', summary: 'Jobs that used up their retries' })
  @ApiOkResponse({ type: ListOf(JobFailureView), description: 'Failed jobs with their last error' })
  async list(@Query() query: ListJobFailuresQuery): Promise<{ data: JobFailureView[] }> {
    const rows = await this.failures.list(query.limit, query.before);
    return {
      data: rows.map((f) => ({
        id: f.id,
        queue: f.queue,
        jobName: f.jobName,
        jobId: f.jobId,
        payload: f.payload,
        attempts: f.attempts,
        error: f.error,
        failedAt: f.failedAt.toISOString(),
      })),
    };
  }
}
