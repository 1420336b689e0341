import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { PageQuery } from '../common/validation/page.query';
import { CurrentDonor, DonorOnly } from './donor.guard';
import { DonorDonationsPage } from './donor-donation.dto';
import { DonorDonationsService } from './donor-donations.service';
import { AuthenticatedDonor } from './donor-sessions.service';

@ApiTags('donor')
@DonorOnly()
@Controller('v1/donor/donations')
export class DonorDonationsController {
  constructor(private readonly donations: DonorDonationsService) {}

  /** The signed-in donor's gifts, newest first; page with `before` = the last `createdAt`. */
  @Get()
  @ApiOperation({
    operationId: 'listDonorDonations',
    summary: 'The signed-in donor’s gifts, newest first',
  })
  @ApiOkResponse({ type: DonorDonationsPage })
  @ApiErrors({ 400: 'A malformed limit or before' })
  async list(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Query() page: PageQuery,
  ): Promise<DonorDonationsPage> {
    return { data: await this.donations.list(donor.donorId, page) };
  }
}
