import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../auth/staff.guard';
import { CreateCampaignDto, UpdateCampaignDto } from './campaign.dto';
import { CampaignView } from './campaign.views';
import { CampaignsService } from './campaigns.service';

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/campaigns')
export class AdminCampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @ApiCreatedResponse({ description: 'The new campaign' })
  create(@Body() dto: CreateCampaignDto): Promise<CampaignView> {
    return this.campaigns.create(dto);
  }

  @Patch(':slug')
  @ApiOkResponse({ description: 'The updated campaign' })
  update(@Param('slug') slug: string, @Body() dto: UpdateCampaignDto): Promise<CampaignView> {
    return this.campaigns.update(slug, dto);
  }
}
