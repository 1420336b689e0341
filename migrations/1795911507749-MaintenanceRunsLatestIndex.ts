import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each task's last successful run, read at every scrape, found through an index. */
export class MaintenanceRunsLatestIndex1795911507749 implements MigrationInterface {
  name = 'MaintenanceRunsLatestIndex1795911507749';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "maintenance_runs_task_status_finished" ON "maintenance_runs" ("task", "status", "finished_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."maintenance_runs_task_status_finished"
        `);
  }
}
