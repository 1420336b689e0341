import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ type: DonorDonationsPage })
  async list(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Query() page: PageQuery,
  ): Promise<DonorDonationsPage> {
    return { data: await this.donations.list(donor.donorId, page) };
  }
}
