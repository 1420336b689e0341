import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Donor } from './donor.entity';
import { DonorsRepository } from './donors.repository';
import { DonorsService } from './donors.service';

/**
 * Donors: one row per email address, found or created by a gift (which never rewrites it); only
 * the donor signed in, or staff, change its email, name and address.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Donor])],
  providers: [DonorsRepository, DonorsService],
  exports: [DonorsService],
})
export class DonorsModule {}
