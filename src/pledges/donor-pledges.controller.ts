import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthenticatedDonor } from '../donor-auth/donor-sessions.service';
import { CurrentDonor, DonorOnly } from '../donor-auth/donor.guard';
import { ChangePledgeAmountDto, PausePledgeDto } from './create-pledge.dto';
import { PledgesService } from './pledges.service';
import { PledgeOperations } from './pledge-operations';

@ApiTags('donor')
@DonorOnly()
@Controller('v1/donor/pledges')
export class DonorPledgesController extends PledgeOperations {
  constructor(protected readonly pledges: PledgesService) {
    super();
  }

  @Get()
  @ApiOkResponse({ description: 'The signed-in donor’s pledges' })
  async list(@CurrentDonor() donor: AuthenticatedDonor) {
    return { data: await this.pledges.listForDonor(donor.donorId) };
  }

  @Get(':id')
  get(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string) {
    return this.ops(donor).get(id);
  }

  @Patch(':id')
  changeAmount(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
    @Body() dto: ChangePledgeAmountDto,
  ) {
    return this.ops(donor).changeAmount(id, dto);
  }

  @Post(':id/pause')
  pause(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
    @Body() dto: PausePledgeDto,
  ) {
    return this.ops(donor).pause(id, dto);
  }

  @Post(':id/resume')
  resume(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string) {
    return this.ops(donor).resume(id);
  }

  @Post(':id/cancel')
  cancel(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string) {
    return this.ops(donor).cancel(id);
  }

  @Post(':id/payment-method')
  paymentMethod(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string) {
    return this.ops(donor).paymentMethod(id);
  }
}
