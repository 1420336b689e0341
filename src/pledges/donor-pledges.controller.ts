import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ListOf } from '../common/openapi/api-errors.decorator';
import { AuthenticatedDonor } from '../donor-auth/donor-sessions.service';
import { CurrentDonor, DonorOnly } from '../donor-auth/donor.guard';
import { ChangePledgeAmountDto, MovePledgeDto, PausePledgeDto } from './create-pledge.dto';
import { PledgesService } from './pledges.service';
import { PledgeOperations } from './pledge-operations';
import { PledgeCardSetupView, PledgeView } from './pledge.views';

/** What a pledge action can answer besides its view: another donor's pledge is a 404. */
const CHANGE_ERRORS = {
  404: 'No such pledge of this donor',
  409: 'The pledge is not in a state that allows this (canceled, completed, not started; past due for a pause), or the campaign is closed',
  422: 'Stripe refused the change',
  502: 'Stripe failed or could not be reached',
};

@ApiTags('donor')
@DonorOnly()
@Controller('v1/donor/pledges')
export class DonorPledgesController extends PledgeOperations {
  constructor(protected readonly pledges: PledgesService) {
    super();
  }

  @Get()
  @ApiOperation({ operationId: 'listDonorPledges', summary: 'The signed-in donor’s pledges' })
  @ApiOkResponse({ type: ListOf(PledgeView) })
  async list(@CurrentDonor() donor: AuthenticatedDonor): Promise<{ data: PledgeView[] }> {
    return { data: await this.pledges.listForDonor(donor.donorId) };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getDonorPledge', summary: 'One of the signed-in donor’s pledges' })
  @ApiOkResponse({ type: PledgeView })
  @ApiErrors({ 404: 'No such pledge of this donor' })
  get(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string): Promise<PledgeView> {
    return this.ops(donor).get(id);
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateDonorPledgeAmount',
    summary: 'Change a pledge’s amount from the next payment on',
  })
  @ApiOkResponse({ type: PledgeView })
  @ApiErrors({ 400: 'amount outside the campaign’s limits', ...CHANGE_ERRORS })
  changeAmount(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
    @Body() dto: ChangePledgeAmountDto,
  ): Promise<PledgeView> {
    return this.ops(donor).changeAmount(id, dto);
  }

  @Post(':id/pause')
  @ApiOperation({ operationId: 'pauseDonorPledge', summary: 'Pause a pledge, until a date or not' })
  @ApiCreatedResponse({ type: PledgeView })
  @ApiErrors({ 400: 'until is not in the future', ...CHANGE_ERRORS })
  pause(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
    @Body() dto: PausePledgeDto,
  ): Promise<PledgeView> {
    return this.ops(donor).pause(id, dto);
  }

  @Post(':id/resume')
  @ApiOperation({ operationId: 'resumeDonorPledge', summary: 'Resume a paused pledge' })
  @ApiCreatedResponse({ type: PledgeView })
  @ApiErrors(CHANGE_ERRORS)
  resume(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string): Promise<PledgeView> {
    return this.ops(donor).resume(id);
  }

  @Post(':id/cancel')
  @ApiOperation({
    operationId: 'cancelDonorPledge',
    summary: 'Cancel a pledge: no further payment',
  })
  @ApiCreatedResponse({ type: PledgeView })
  @ApiErrors(CHANGE_ERRORS)
  cancel(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string): Promise<PledgeView> {
    return this.ops(donor).cancel(id);
  }

  @Post(':id/payment-method')
  @ApiOperation({
    operationId: 'createDonorPledgeCardSetup',
    summary: 'Start replacing a pledge’s card: a SetupIntent to confirm with Stripe.js',
  })
  @ApiCreatedResponse({ type: PledgeCardSetupView })
  @ApiErrors(CHANGE_ERRORS)
  paymentMethod(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
  ): Promise<PledgeCardSetupView> {
    return this.ops(donor).paymentMethod(id);
  }

  @Post(':id/move')
  @ApiOperation({
    operationId: 'moveDonorPledge',
    summary:
      'Give a pledge to another campaign from the next payment on: same card, same amount (the choice a closed campaign offers)',
  })
  @ApiCreatedResponse({ type: PledgeView })
  @ApiErrors({
    400: 'campaign is unknown, the same, or does not take the pledge’s currency',
    ...CHANGE_ERRORS,
  })
  move(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
    @Body() dto: MovePledgeDto,
  ): Promise<PledgeView> {
    return this.ops(donor).move(id, dto);
  }
}
