import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { CurrentDonor, DonorOnly } from '../donor-auth/donor.guard';
import { AuthenticatedDonor } from '../donor-auth/donor-sessions.service';
import { DonorProfileView, UpdateDonorProfileDto } from './donor-profile.dto';
import { DonorProfileService } from './donor-profile.service';

/** The signed-in donor's own details: the name and address for receipts, and their email. */
@ApiTags('donor')
@DonorOnly()
@Controller('v1/donor/profile')
export class DonorProfileController {
  constructor(private readonly profiles: DonorProfileService) {}

  @Get()
  @ApiOperation({
    operationId: 'getDonorProfile',
    summary: 'The signed-in donor’s email, and name and address for receipts',
  })
  @ApiOkResponse({ type: DonorProfileView })
  get(@CurrentDonor() donor: AuthenticatedDonor): Promise<DonorProfileView> {
    return this.profiles.get(donor.donorId);
  }

  /**
   * Changes the name and address for future receipts (pledges that can still bill take them;
   * receipts already issued and gifts already given keep theirs), and asks for an email change:
   * a link goes to the new address, and the email changes only when it is followed.
   */
  @Patch()
  @ApiOperation({
    operationId: 'updateDonorProfile',
    summary: 'Change the name and address for future receipts, or ask to change the email',
  })
  @ApiOkResponse({ type: DonorProfileView })
  @ApiErrors({
    400: 'A field is wrong, none was sent, or email is already the donor’s (code: `unchanged`)',
    409: 'The donor was erased meanwhile',
    429: 'Too many email changes asked for this hour: see Retry-After',
  })
  update(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Body() dto: UpdateDonorProfileDto,
  ): Promise<DonorProfileView> {
    return this.profiles.update(donor.donorId, dto);
  }
}
