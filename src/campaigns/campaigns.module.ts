import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module';
import { Campaign } from './campaign.entity';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';

/** Campaigns: their rules (goal, currencies, limits, status) and the public view of each. */
@Module({
  imports: [TypeOrmModule.forFeature([Campaign]), LedgerModule],
  providers: [CampaignsRepository, CampaignsService],
  exports: [CampaignsService],
})
export class CampaignsModule {}
