import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Pledge } from './pledge.entity';
import { PledgesRepository } from './pledges.repository';

/** Pledge rows, for the modules that record installments and subscription changes. */
@Module({
  imports: [TypeOrmModule.forFeature([Pledge])],
  providers: [PledgesRepository],
  exports: [PledgesRepository],
})
export class PledgesDataModule {}
