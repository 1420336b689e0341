import { Module } from '@nestjs/common';
import { AdminPayoutsController } from './admin-payouts.controller';
import { PayoutsModule } from './payouts.module';

/** Finance's payout reconciliation. */
@Module({ imports: [PayoutsModule], controllers: [AdminPayoutsController] })
export class PayoutsHttpModule {}
