import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../../auth/staff.guard';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';
import { CampaignClosingService } from './campaign-closing.service';
import { CampaignClosedView, CloseCampaignDto } from './close-campaign.dto';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/campaigns')
export class AdminCampaignClosingController {
  constructor(private readonly closing: CampaignClosingService) {}

  @Post(':slug/close')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'closeCampaign',
    summary:
      'Close a campaign: gifts stop, pledge donors are emailed once, and each pledge ends at the end of its paid period unless its donor moves it',
  })
  @ApiOkResponse({ type: CampaignClosedView })
  @ApiErrors({
    400: 'successor is unknown, the campaign itself, or closed; message too long',
    404: 'No such campaign',
    409: 'The campaign is already closed',
  })
  close(@Param('slug') slug: string, @Body() dto: CloseCampaignDto): Promise<CampaignClosedView> {
    return this.closing.closeBySlug(slug, dto);
  }
}
