import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Campaign } from './campaign.entity';
import { AdminCampaignsController, CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';

@Module({
  imports: [TypeOrmModule.forFeature([Campaign])],
  controllers: [CampaignsController, AdminCampaignsController],
  providers: [CampaignsRepository, CampaignsService],
  exports: [CampaignsRepository, CampaignsService],
})
export class CampaignsModule {}
