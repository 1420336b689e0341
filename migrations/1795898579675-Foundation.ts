import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795898579675 implements MigrationInterface {
  name = 'Foundation1795898579675';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" text NOT NULL,
                "role" text NOT NULL,
                "lookup_id" text NOT NULL,
                "secret_hash" bytea NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_e8828b4a713978adb8d6cf04874" UNIQUE ("lookup_id"),
                CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "campaigns" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "slug" text NOT NULL,
                "title" text NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "goal_amount" bigint NOT NULL,
                "goal_currency" character(3) NOT NULL,
                "currencies" text array NOT NULL,
                "min_amount" bigint,
                "max_amount" bigint,
                "hide_amounts" boolean NOT NULL DEFAULT false,
                "status" text NOT NULL DEFAULT 'draft',
                "starts_at" TIMESTAMP WITH TIME ZONE,
                "ends_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_a0d1755d181035fa13ffb643072" UNIQUE ("slug"),
                CONSTRAINT "campaigns_goal_positive" CHECK (goal_amount > 0),
                CONSTRAINT "campaigns_status_check" CHECK (status IN ('draft', 'active', 'closed')),
                CONSTRAINT "PK_831e3fcd4fc45b4e4c3f57a9ee4" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "job_failures" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "queue" text NOT NULL,
                "job_name" text NOT NULL,
                "job_id" text NOT NULL,
                "payload" jsonb NOT NULL,
                "attempts" integer NOT NULL,
                "error" text NOT NULL,
                "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_c199fe43056ac6b47d3937e7d42" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_abf515d67e54f990bfdb71ac59" ON "job_failures" ("queue", "job_id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."IDX_abf515d67e54f990bfdb71ac59"
        `);
    await queryRunner.query(`
            DROP TABLE "job_failures"
        `);
    await queryRunner.query(`
            DROP TABLE "campaigns"
        `);
    await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
  }
}
