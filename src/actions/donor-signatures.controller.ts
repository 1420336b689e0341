import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ListOf } from '../common/openapi/api-errors.decorator';
import { AuthenticatedDonor } from '../donor-auth/donor-sessions.service';
import { CurrentDonor, DonorOnly } from '../donor-auth/donor.guard';
import { DonorSignatureView } from './action.views';
import { SignaturesService } from './signatures.service';

@ApiTags('donor')
@DonorOnly()
@Controller('v1/donor/signatures')
export class DonorSignaturesController {
  constructor(private readonly signatures: SignaturesService) {}

  @Get()
  @ApiOperation({
    operationId: 'listMySignatures',
    summary: 'The signed-in donor’s confirmed and withdrawn signatures, newest first',
  })
  @ApiOkResponse({ type: ListOf(DonorSignatureView) })
  async list(@CurrentDonor() donor: AuthenticatedDonor): Promise<{ data: DonorSignatureView[] }> {
    return { data: await this.signatures.listForDonor(donor.donorId) };
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'withdrawSignature',
    summary: 'Withdraw a signature: it counts no more (again: the same answer)',
  })
  @ApiOkResponse({ type: DonorSignatureView })
  @ApiErrors({ 404: 'No such signature of this donor' })
  withdraw(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
  ): Promise<DonorSignatureView> {
    return this.signatures.withdraw(donor.donorId, id);
  }
}
