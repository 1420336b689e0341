import { MetricsService } from '../metrics/metrics.service';
import { MAINTENANCE_TASKS } from './maintenance-run.entity';

/** Starts the maintenance runs counter at 0 for every task and outcome, in every process. */
export function startMaintenanceSeriesAtZero(metrics: MetricsService): void {
  metrics.startAtZero(metrics.maintenanceRuns, {
    task: MAINTENANCE_TASKS,
    status: ['ok', 'alert', 'failed', 'skipped'],
  });
}
