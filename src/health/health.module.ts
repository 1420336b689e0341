import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MaintenanceDataModule } from '../maintenance/maintenance.module';
import { BacklogHealthIndicator } from './backlog.health';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), MaintenanceDataModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, BacklogHealthIndicator],
})
export class HealthModule {}
