import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditLog1795904097425 implements MigrationInterface {
  name = 'AuditLog1795904097425';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "audit_log" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "staff_key_id" uuid,
                "staff_key_name" text NOT NULL,
                "role" text,
                "action" text NOT NULL,
                "target" jsonb NOT NULL DEFAULT '{}',
                "request" jsonb,
                "response" jsonb,
                "status_code" integer,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_log_action" ON "audit_log" ("action", "occurred_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_log_key" ON "audit_log" ("staff_key_id", "occurred_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_log_occurred" ON "audit_log" ("occurred_at", "id")
        `);
    // Append-only: a row is never deleted, and only its pending outcome (status_code still
    // null) may be filled in, once.
    await queryRunner.query(`
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'UPDATE' AND OLD.status_code IS NULL
                 AND (NEW.id, NEW.staff_key_id, NEW.staff_key_name, NEW.role, NEW.action,
                      NEW.target, NEW.request, NEW.occurred_at)
                     IS NOT DISTINCT FROM
                     (OLD.id, OLD.staff_key_id, OLD.staff_key_name, OLD.role, OLD.action,
                      OLD.target, OLD.request, OLD.occurred_at) THEN
                RETURN NEW;
              END IF;
              RAISE EXCEPTION 'audit_log is append-only';
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_log_append_only ON audit_log`);
    await queryRunner.query(`DROP FUNCTION audit_log_append_only()`);
    await queryRunner.query(`
            DROP INDEX "public"."audit_log_occurred"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."audit_log_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."audit_log_action"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_log"
        `);
  }
}
