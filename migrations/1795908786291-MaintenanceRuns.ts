import { MigrationInterface, QueryRunner } from 'typeorm';

export class MaintenanceRuns1795908786291 implements MigrationInterface {
  name = 'MaintenanceRuns1795908786291';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "maintenance_runs" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "task" text NOT NULL,
                "trigger" text NOT NULL,
                "status" text NOT NULL DEFAULT 'running',
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "findings" jsonb NOT NULL DEFAULT '{}',
                "error" text,
                CONSTRAINT "maintenance_runs_status_check" CHECK (
                    status IN ('running', 'ok', 'alert', 'failed', 'skipped')
                ),
                CONSTRAINT "PK_49545cc1bff6611e5d9adcf8233" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "maintenance_runs_started" ON "maintenance_runs" ("started_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "maintenance_runs_task_started" ON "maintenance_runs" ("task", "started_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."maintenance_runs_task_started"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."maintenance_runs_started"
        `);
    await queryRunner.query(`
            DROP TABLE "maintenance_runs"
        `);
  }
}
