import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Payout } from './payout.entity';
import { PayoutsRepository } from './payouts.repository';
import { PayoutsService } from './payouts.service';

/** Stripe payouts, recorded from their events and matched to ledger entries for finance. */
@Module({
  imports: [TypeOrmModule.forFeature([Payout])],
  providers: [PayoutsRepository, PayoutsService],
  exports: [PayoutsService],
})
export class PayoutsModule {}
