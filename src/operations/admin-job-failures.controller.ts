import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../auth/staff.guard';
import { AuditReads } from '../audit/audit.interceptor';
import { JobFailuresService } from '../common/queue/job-failures.service';
import { ListJobFailuresQuery } from './list-job-failures.dto';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/job-failures')
export class AdminJobFailuresController {
  constructor(private readonly failures: JobFailuresService) {}

  /** Jobs that used up their retries, newest first. */
  @Get()
  @AuditReads()
  @ApiOkResponse({ description: 'Failed jobs with their last error' })
  async list(@Query() query: ListJobFailuresQuery) {
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
