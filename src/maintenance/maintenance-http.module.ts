import { Module } from '@nestjs/common';
import { AdminMaintenanceController } from './admin-maintenance.controller';
import { MaintenanceModule } from './maintenance.module';

/** The API side: the runs' listing and running a task on demand. */
@Module({ imports: [MaintenanceModule], controllers: [AdminMaintenanceController] })
export class MaintenanceHttpModule {}
