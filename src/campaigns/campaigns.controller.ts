import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ListOf } from '../common/openapi/api-errors.decorator';
import { SupportersQuery } from './campaign.dto';
import { CampaignView } from './campaign.views';
import { CampaignsService } from './campaigns.service';

@ApiTags('campaigns')
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  /** Public campaigns with their progress toward the goal. */
  @Get()
  @ApiOperation({ operationId: 'listCampaigns', summary: 'Public campaigns with their progress' })
  @ApiOkResponse({
    type: ListOf(CampaignView),
    description: 'Campaigns (not drafts) with progress',
  })
  async list(): Promise<{ data: CampaignView[] }> {
    return { data: await this.campaigns.listPublic() };
  }

  /** One campaign, its progress and a page of recent supporters. */
  @Get(':slug')
  @ApiOperation({
    operationId: 'getCampaign',
    summary: 'One campaign, its progress and a page of recent supporters',
  })
  @ApiOkResponse({ type: CampaignView, description: 'With `recentSupporters`' })
  @ApiErrors({
    400: 'A malformed supportersLimit or supportersCursor',
    404: 'No such campaign (or a draft)',
  })
  get(@Param('slug') slug: string, @Query() query: SupportersQuery): Promise<CampaignView> {
    return this.campaigns.getPublic(slug, query.supportersLimit, query.supportersCursor);
  }
}
