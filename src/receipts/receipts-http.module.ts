import { Module } from '@nestjs/common';
import { DonorAuthModule } from '../donor-auth/donor-auth.module';
import { AdminReceiptsController } from './admin-receipts.controller';
import { DonorReceiptsController } from './donor-receipts.controller';
import { ReceiptsModule } from './receipts.module';

/** Donors' and staff's receipt endpoints. */
@Module({
  imports: [ReceiptsModule, DonorAuthModule],
  controllers: [DonorReceiptsController, AdminReceiptsController],
})
export class ReceiptsHttpModule {}
