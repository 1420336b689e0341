import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Donor } from './donor.entity';
import { DonorsRepository } from './donors.repository';
import { DonorsService } from './donors.service';

/** Donors: one row per email address, found or created, never rewritten by a request. */
@Module({
  imports: [TypeOrmModule.forFeature([Donor])],
  providers: [DonorsRepository, DonorsService],
  exports: [DonorsService],
})
export class DonorsModule {}
