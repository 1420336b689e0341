import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
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
  @ApiOperation({ operationId: 'createCampaign', summary: 'Create a campaign' })
  @ApiCreatedResponse({ type: CampaignView, description: 'The new campaign' })
  @ApiErrors({ 400: 'A field, or incomplete gift limits', 409: 'The slug is taken' })
  create(@Body() dto: CreateCampaignDto): Promise<CampaignView> {
    return this.campaigns.create(dto);
  }

  @Patch(':slug')
  @ApiOperation({ operationId: 'updateCampaign', summary: 'Change a campaign' })
  @ApiOkResponse({ type: CampaignView, description: 'The updated campaign' })
  @ApiErrors({ 400: 'A field, or incomplete gift limits', 404: 'No such campaign' })
  update(@Param('slug') slug: string, @Body() dto: UpdateCampaignDto): Promise<CampaignView> {
    return this.campaigns.update(slug, dto);
  }
}
