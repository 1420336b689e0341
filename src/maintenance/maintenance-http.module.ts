import { Module } from '@nestjs/common';
import { MaintenanceController } from './maintenance.controller';
import { MaintenanceModule } from './maintenance.module';

/** The API side: the runs' listing and running a task on demand. */
@Module({ imports: [MaintenanceModule], controllers: [MaintenanceController] })
export class MaintenanceHttpModule {}
