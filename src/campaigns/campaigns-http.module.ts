import { Module } from '@nestjs/common';
import { AdminCampaignsController } from './admin-campaigns.controller';
import { CampaignsController } from './campaigns.controller';
import { CampaignsModule } from './campaigns.module';

/** Campaigns over HTTP: the public pages' data, and staff's create and update. */
@Module({
  imports: [CampaignsModule],
  controllers: [CampaignsController, AdminCampaignsController],
})
export class CampaignsHttpModule {}
