import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
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
  @ApiOkResponse({ description: 'Profile, gifts, pledges, receipts, emails, Stripe events, audit' })
  export(@CurrentDonor() donor: AuthenticatedDonor): Promise<DonorExport> {
    return this.privacy.export(donor.donorId, 'donor');
  }

  /** Erases the signed-in donor (their sessions end with it); the money stays. */
  @Post('erasure')
  @HttpCode(200)
  @ApiOkResponse({ type: ErasedDonorView })
  @ApiBadRequestResponse({ description: '`confirm` is not exactly true' })
  @ApiConflictResponse({ description: 'Pledges that can still charge: cancel them first' })
  erase(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Body() _confirmed: ConfirmErasureDto,
  ): Promise<ErasedDonorView> {
    return this.privacy.erase(donor.donorId, 'donor');
  }
}
