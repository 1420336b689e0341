import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { CurrentDonor, DonorOnly } from '../donor-auth/donor.guard';
import { AuthenticatedDonor } from '../donor-auth/donor-sessions.service';
import { ConfirmErasureDto, DonorExport, ErasedDonorView } from './donor-privacy.dto';
import { DonorPrivacyService } from './donor-privacy.service';

/** A signed-in donor's own data rights: see everything held about them, and erase it. */
@ApiTags('donor')
@DonorOnly()
@Controller('v1/donor')
export class DonorDataController {
  constructor(private readonly privacy: DonorPrivacyService) {}

  /** Everything held about the signed-in donor, as JSON: staff's export, staff named by role. */
  @Get('export')
  @ApiOperation({
    operationId: 'exportDonorData',
    summary: 'Everything held about the signed-in donor',
  })
  @ApiOkResponse({
    type: DonorExport,
    description: 'Profile, gifts, pledges, receipts, emails, Stripe events, audit',
  })
  export(@CurrentDonor() donor: AuthenticatedDonor): Promise<DonorExport> {
    return this.privacy.export(donor.donorId, 'donor');
  }

  /** Erases the signed-in donor (their sessions end with it); the money stays. */
  @Post('erasure')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'eraseDonorData',
    summary: 'Erase the signed-in donor’s personal data (the money stays)',
  })
  @ApiOkResponse({ type: ErasedDonorView })
  @ApiErrors({
    400: '`confirm` is not exactly true',
    409: 'Pledges that can still charge: cancel them first',
    502: 'Stripe failed or could not be reached',
  })
  erase(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Body() _confirmed: ConfirmErasureDto,
  ): Promise<ErasedDonorView> {
    return this.privacy.erase(donor.donorId, 'donor');
  }
}
