import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DonationsModule } from '../donations/donations.module';
import { DonorsModule } from '../donors/donors.module';
import { InstallmentsService } from './installments.service';
import { Pledge } from './pledge.entity';
import { PledgeClosure } from './pledge-closure.entity';
import { PledgeClosuresRepository } from './pledge-closures.repository';
import { PledgeMove } from './pledge-move.entity';
import { PledgeSyncService } from './pledge-sync.service';
import { PledgesRepository } from './pledges.repository';
import { PledgesService } from './pledges.service';

/** Recurring gifts: a Stripe Subscription (and Customer) of their own per pledge. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Pledge, PledgeMove, PledgeClosure]),
    CampaignsModule,
    DonationsModule,
    DonorsModule,
  ],
  providers: [
    PledgesRepository,
    PledgeClosuresRepository,
    PledgesService,
    PledgeSyncService,
    InstallmentsService,
  ],
  exports: [PledgesService, PledgeSyncService, InstallmentsService],
})
export class PledgesModule {}
