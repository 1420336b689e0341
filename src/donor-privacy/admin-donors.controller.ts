import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ type: DonorIdView })
  @ApiNotFoundResponse({ description: 'No donor has this email address' })
  find(@Query() query: FindDonorQuery): Promise<DonorIdView> {
    return this.privacy.findByEmail(query.email);
  }

  /** Everything held on the donor, as JSON (a subject access request). Audited. */
  @Get(':id/export')
  @AuditReads()
  @ApiOkResponse({ description: 'Profile, donations, pledges, receipts, emails, sessions' })
  @ApiNotFoundResponse({ description: 'No such donor' })
  export(@Param('id') id: string): Promise<DonorExport> {
    return this.privacy.export(id);
  }

  /** Replaces the donor's personal data with a tombstone; the money stays. Idempotent. */
  @Post(':id/erase')
  @HttpCode(200)
  @ApiOkResponse({ type: ErasedDonorView })
  @ApiNotFoundResponse({ description: 'No such donor' })
  @ApiConflictResponse({ description: 'The donor has pledges that can still charge' })
  erase(@Param('id') id: string): Promise<ErasedDonorView> {
    return this.privacy.erase(id);
  }
}
