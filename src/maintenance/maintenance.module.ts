import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActionsModule } from '../actions/actions.module';
import { LedgerModule } from '../ledger/ledger.module';
import { MetricsService } from '../metrics/metrics.service';
import { StripeEventsModule } from '../stripe/stripe-events.module';
import { BacklogRepository } from './backlog.repository';
import { BacklogService } from './backlog.service';
import { startMaintenanceSeriesAtZero } from './maintenance-metrics';
import { MaintenanceRun } from './maintenance-run.entity';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';
import { MaintenanceTasksService } from './maintenance-tasks.service';
import { MaintenanceService } from './maintenance.service';
import { StateGauges } from './state-gauges';

/**
 * Self-repair: the runs, the tasks (scheduled and run by the worker; the API starts a run on demand), the outbox backlogs (for readiness)
 * and the scrape-time gauges over them, in every process that imports it.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([MaintenanceRun]),
    StripeEventsModule,
    LedgerModule,
    ActionsModule,
  ],
  providers: [
    MaintenanceRunsRepository,
    BacklogRepository,
    BacklogService,
    MaintenanceService,
    MaintenanceTasksService,
    StateGauges,
  ],
  exports: [BacklogService, MaintenanceService, MaintenanceTasksService],
})
export class MaintenanceModule {
  constructor(metrics: MetricsService) {
    startMaintenanceSeriesAtZero(metrics);
  }
}
