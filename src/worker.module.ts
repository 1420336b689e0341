import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LoggingOptions } from './common/logging/logging.module';
import { WorkerService } from './common/queue/worker.service';
import { ActionDeliveriesWorkerModule } from './actions/action-deliveries-worker.module';
import { CoreModule } from './core.module';
import { StripeEventsWorkerModule } from './flows/stripe-events/stripe-events-worker.module';
import { LedgerWorkerModule } from './ledger/ledger-worker.module';
import { MailWorkerModule } from './mail/mail-worker.module';
import { ReceiptsWorkerModule } from './receipts/receipts-worker.module';
import { MaintenanceWorkerModule } from './maintenance/maintenance-worker.module';
import { WorkerMetricsServer } from './metrics/worker-metrics.server';
import { CampaignClosingWorkerModule } from './flows/campaign-closing/campaign-closing-worker.module';

/** The worker: queue consumers only, no HTTP API (its /metrics listens on WORKER_METRICS_PORT). */
@Module({})
export class WorkerModule {
  static forRoot(logging: Partial<LoggingOptions> = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot({ service: 'worker', ...logging }),
        DiscoveryModule,
        StripeEventsWorkerModule,
        LedgerWorkerModule,
        MailWorkerModule,
        ReceiptsWorkerModule,
        ActionDeliveriesWorkerModule,
        CampaignClosingWorkerModule,
        MaintenanceWorkerModule,
      ],
      providers: [WorkerService, WorkerMetricsServer],
    };
  }
}
