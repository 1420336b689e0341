import { Module } from '@nestjs/common';
import { MaintenanceModule } from './maintenance.module';
import { MaintenanceProcessor } from './maintenance.processor';

/** The worker side: the schedules and the tasks' jobs. */
@Module({ imports: [MaintenanceModule], providers: [MaintenanceProcessor] })
export class MaintenanceWorkerModule {}
