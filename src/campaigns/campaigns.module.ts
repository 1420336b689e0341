import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Campaign } from './campaign.entity';
import { CampaignsRepository } from './campaigns.repository';

@Module({
  imports: [TypeOrmModule.forFeature([Campaign])],
  providers: [CampaignsRepository],
  exports: [CampaignsRepository],
})
export class CampaignsModule {}
