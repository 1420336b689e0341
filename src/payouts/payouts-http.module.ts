import { Module } from '@nestjs/common';
import { PayoutsController } from './payouts.controller';
import { PayoutsModule } from './payouts.module';

/** Finance's payout reconciliation. */
@Module({ imports: [PayoutsModule], controllers: [PayoutsController] })
export class PayoutsHttpModule {}
