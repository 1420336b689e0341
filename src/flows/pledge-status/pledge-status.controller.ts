import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiClientSecret, ClientSecret } from '../../common/validation/client-secret.decorator';
import { PledgeStatusService } from './pledge-status.service';
import { PledgeStatusView } from './pledge-status.dto';

@ApiTags('pledges')
@Controller('v1/pledges')
export class PledgeStatusController {
  constructor(private readonly status: PledgeStatusService) {}

  /**
   * A pledge's status for the thank-you page of the site that started it, which proves it with
   * the client secret of the first payment it was given. 404 alike for an unknown id and a
   * wrong secret.
   */
  @Get(':id/status')
  @ApiOperation({
    operationId: 'getPledgeStatus',
    summary: 'A pledge’s status and its first payment’s receipt, for a thank-you page',
  })
  @ApiClientSecret()
  @ApiOkResponse({ type: PledgeStatusView })
  get(@Param('id') id: string, @ClientSecret() clientSecret: string): Promise<PledgeStatusView> {
    return this.status.of(id, clientSecret);
  }
}
