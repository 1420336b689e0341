import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { AuditReads } from '../audit/audit.interceptor';
import { StaffOnly } from '../auth/staff.guard';
import { DonorExport, DonorIdView, ErasedDonorView, FindDonorQuery } from './donor-privacy.dto';
import { DonorPrivacyService } from './donor-privacy.service';
import { AdminDonorView, AdminUpdateDonorDto } from './donor-profile.dto';
import { DonorProfileService } from './donor-profile.service';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/donors')
export class AdminDonorsController {
  constructor(
    private readonly privacy: DonorPrivacyService,
    private readonly profiles: DonorProfileService,
  ) {}

  /** The donor with this email address, to act on a request from them. */
  @Get()
  @AuditReads()
  @ApiOperation({ operationId: 'findDonor', summary: 'The donor with this email address' })
  @ApiOkResponse({ type: DonorIdView })
  @ApiErrors({ 404: 'No donor has this email address' })
  find(@Query() query: FindDonorQuery): Promise<DonorIdView> {
    return this.privacy.findByEmail(query.email);
  }

  /** The donor's email, and name and address for receipts. Audited. */
  @Get(':id')
  @AuditReads()
  @ApiOperation({
    operationId: 'getDonor',
    summary: 'A donor’s email, and name and address for receipts',
  })
  @ApiOkResponse({ type: AdminDonorView })
  @ApiErrors({ 404: 'No such donor' })
  get(@Param('id') id: string): Promise<AdminDonorView> {
    return this.profiles.adminGet(id);
  }

  /**
   * Corrects the donor's name and address for future receipts, as the donor can themself
   * (pledges that can still bill take them). Audited, the values redacted.
   */
  @Patch(':id')
  @ApiOperation({
    operationId: 'updateDonor',
    summary: 'Correct a donor’s name and address for future receipts',
  })
  @ApiOkResponse({ type: AdminDonorView })
  @ApiErrors({
    400: 'A field is wrong, or none was sent',
    404: 'No such donor',
    409: 'The donor is erased',
  })
  update(@Param('id') id: string, @Body() dto: AdminUpdateDonorDto): Promise<AdminDonorView> {
    return this.profiles.adminUpdate(id, dto);
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
