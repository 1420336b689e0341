import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { AuditReads } from '../audit/audit.interceptor';
import { StaffOnly } from '../auth/staff.guard';
import { DonorExport, DonorIdView, ErasedDonorView, FindDonorQuery } from './donor-privacy.dto';
import { DonorPrivacyService } from './donor-privacy.service';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/donors')
export class AdminDonorsController {
  constructor(private readonly privacy: DonorPrivacyService) {}

  /** The donor with this email address, to act on a request from them. */
  @Get()
  @AuditReads()
  @ApiOperation({ operationId: 'findDonor', summary: 'The donor with this email address' })
  @ApiOkResponse({ type: DonorIdView })
  @ApiErrors({ 404: 'No donor has this email address' })
  find(@Query() query: FindDonorQuery): Promise<DonorIdView> {
    return this.privacy.findByEmail(query.email);
  }

  /** Everything held on the donor, as JSON (a subject access request). Audited. */
  @Get(':id/export')
  @AuditReads()
  @ApiOperation({
    operationId: 'exportDonor',
    summary: 'Everything held on a donor (a subject access request)',
  })
  @ApiOkResponse({
    type: DonorExport,
    description: 'Profile, donations, pledges, receipts, emails, sessions',
  })
  @ApiErrors({ 404: 'No such donor' })
  export(@Param('id') id: string): Promise<DonorExport> {
    return this.privacy.export(id);
  }

  /** Replaces the donor's personal data with a tombstone; the money stays. Idempotent. */
  @Post(':id/erase')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'eraseDonor',
    summary: 'Replace a donor’s personal data with a tombstone (the money stays)',
  })
  @ApiOkResponse({ type: ErasedDonorView })
  @ApiErrors({
    404: 'No such donor',
    409: 'The donor has pledges that can still charge',
    502: 'Stripe failed or could not be reached',
  })
  erase(@Param('id') id: string): Promise<ErasedDonorView> {
    return this.privacy.erase(id);
  }
}
