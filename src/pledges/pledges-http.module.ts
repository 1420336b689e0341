import { Module } from '@nestjs/common';
import { DonorAuthModule } from '../donor-auth/donor-auth.module';
import { AdminPledgesController } from './admin-pledges.controller';
import { DonorPledgesController } from './donor-pledges.controller';
import { PledgesController } from './pledges.controller';
import { PledgesModule } from './pledges.module';

/** Pledges over HTTP: sites start them, donors and staff manage them. */
@Module({
  imports: [PledgesModule, DonorAuthModule],
  controllers: [PledgesController, DonorPledgesController, AdminPledgesController],
})
export class PledgesHttpModule {}
