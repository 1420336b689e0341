import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SupportersQuery } from './campaign.dto';
import { CampaignView } from './campaign.views';
import { CampaignsService } from './campaigns.service';

@ApiTags('campaigns')
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  /** Public campaigns with their progress toward the goal. */
  @Get()
  @ApiOkResponse({ description: 'Campaigns (not drafts) with progress' })
  async list(): Promise<{ data: CampaignView[] }> {
    return { data: await this.campaigns.listPublic() };
  }

  /** One campaign, its progress and a page of recent supporters. */
  @Get(':slug')
  @ApiOkResponse({ description: 'The campaign with progress and recent supporters' })
  @ApiNotFoundResponse({ description: 'No such campaign (or a draft)' })
  get(@Param('slug') slug: string, @Query() query: SupportersQuery): Promise<CampaignView> {
    return this.campaigns.getPublic(slug, query.supportersLimit, query.supportersCursor);
  }
}
