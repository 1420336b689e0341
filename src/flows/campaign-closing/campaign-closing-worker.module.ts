import { Module } from '@nestjs/common';
import { CampaignClosingModule } from './campaign-closing.module';
import { CampaignClosingProcessor } from './campaign-closing.processor';

/** The worker side of closings: pledge endings at Stripe, and the scheduled check. */
@Module({ imports: [CampaignClosingModule], providers: [CampaignClosingProcessor] })
export class CampaignClosingWorkerModule {}
