import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MaintenanceModule } from '../maintenance/maintenance.module';
import { BacklogHealthIndicator } from './backlog.health';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';

/** Liveness and readiness: Postgres, Redis and the outboxes' backlogs. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), MaintenanceModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, BacklogHealthIndicator],
})
export class HealthHttpModule {}
