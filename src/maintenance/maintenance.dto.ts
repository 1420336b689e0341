import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../common/validation/page.query';
import {
  MAINTENANCE_TASKS,
  MaintenanceTask,
  RUN_STATUSES,
  RunFindings,
  RunStatus,
} from './maintenance-run.entity';

export class ListMaintenanceRunsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MAINTENANCE_TASKS })
  @IsOptional()
  @IsIn(MAINTENANCE_TASKS)
  task?: MaintenanceTask;
}

export class MaintenanceTaskParam {
  @ApiProperty({ enum: MAINTENANCE_TASKS })
  @IsIn(MAINTENANCE_TASKS)
  task: MaintenanceTask;
}

export class MaintenanceRunView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: MAINTENANCE_TASKS }) task: MaintenanceTask;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger: string;
  @ApiProperty({ enum: RUN_STATUSES, description: '`alert`: ran and found what staff must see' })
  status: RunStatus;
  @ApiProperty() startedAt: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ description: 'Counts (and for drift, campaign ids and sums): no personal data' })
  findings: RunFindings;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
}

export class QueuedRunView {
  @ApiProperty({ enum: MAINTENANCE_TASKS }) task: MaintenanceTask;
  @ApiProperty() jobId: string;
  @ApiProperty({ enum: ['queued'] }) status: 'queued';
}
