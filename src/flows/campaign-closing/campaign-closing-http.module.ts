import { Module } from '@nestjs/common';
import { AdminCampaignClosingController } from './admin-campaign-closing.controller';
import { CampaignClosingModule } from './campaign-closing.module';

/** `POST /v1/admin/campaigns/:slug/close`. */
@Module({ imports: [CampaignClosingModule], controllers: [AdminCampaignClosingController] })
export class CampaignClosingHttpModule {}
