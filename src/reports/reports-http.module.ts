import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { AdminReportsController } from './admin-reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

/** Finance reports over the ledger: campaign sums, time series, entry exports. */
@Module({
  imports: [CampaignsModule],
  controllers: [AdminReportsController],
  providers: [ReportsRepository, ReportsService],
})
export class ReportsHttpModule {}
