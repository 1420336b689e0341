import { MetricsService } from '../metrics/metrics.service';
import { startMaintenanceSeriesAtZero } from './maintenance-metrics';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module';
import { StripeEventsModule } from '../stripe/stripe-events.module';
import { BacklogRepository } from './backlog.repository';
import { MaintenanceRun } from './maintenance-run.entity';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';
import { MaintenanceTasksService } from './maintenance-tasks.service';
import { MaintenanceController } from './maintenance.controller';
import { MaintenanceProcessor } from './maintenance.processor';
import { MaintenanceService } from './maintenance.service';
import { StateGauges } from './state-gauges';

/** Runs, outbox backlogs and the scrape-time gauges over them: for the API, the worker and health. */
@Module({
  imports: [TypeOrmModule.forFeature([MaintenanceRun])],
  providers: [MaintenanceRunsRepository, BacklogRepository, StateGauges],
  exports: [MaintenanceRunsRepository, BacklogRepository],
})
export class MaintenanceDataModule {
  constructor(metrics: MetricsService) {
    startMaintenanceSeriesAtZero(metrics);
  }
}

/** The API side: the runs' listing and running a task on demand. */
@Module({
  imports: [MaintenanceDataModule],
  controllers: [MaintenanceController],
  providers: [MaintenanceService],
})
export class MaintenanceModule {}

/** The worker side: the schedules and the tasks. */
@Module({
  imports: [MaintenanceDataModule, StripeEventsModule, LedgerModule],
  providers: [MaintenanceTasksService, MaintenanceProcessor],
})
export class MaintenanceWorkerModule {}
