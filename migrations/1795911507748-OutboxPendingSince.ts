import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `pending_since` on the three outboxes: when a row last became pending (written, resent,
 * replayed, retried by hand). Stuck rows, readiness and the outbox-age gauge measure waits from
 * it. Existing rows start from when they were written, as the old measure did.
 */
export class OutboxPendingSince1795911507748 implements MigrationInterface {
  name = 'OutboxPendingSince1795911507748';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."outbound_emails_pending"
        `);
    await queryRunner.query(`
            ALTER TABLE "stripe_events"
            ADD "pending_since" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
        `);
    await queryRunner.query(`
            ALTER TABLE "outbound_emails"
            ADD "pending_since" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
        `);
    await queryRunner.query(`
            ALTER TABLE "receipts"
            ADD "pending_since" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
        `);
    // Backfill: the time each row was written (what waits were measured from until now).
    await queryRunner.query(`
            UPDATE "stripe_events" SET "pending_since" = "received_at"
        `);
    await queryRunner.query(`
            UPDATE "outbound_emails" SET "pending_since" = "created_at"
        `);
    await queryRunner.query(`
            UPDATE "receipts" SET "pending_since" = "issued_at"
        `);
    await queryRunner.query(`
            CREATE INDEX "stripe_events_pending" ON "stripe_events" ("status", "pending_since")
        `);
    await queryRunner.query(`
            CREATE INDEX "outbound_emails_pending" ON "outbound_emails" ("status", "pending_since")
        `);
    await queryRunner.query(`
            CREATE INDEX "receipts_pending" ON "receipts" ("send_status", "pending_since")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."receipts_pending"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."outbound_emails_pending"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."stripe_events_pending"
        `);
    await queryRunner.query(`
            ALTER TABLE "receipts" DROP COLUMN "pending_since"
        `);
    await queryRunner.query(`
            ALTER TABLE "outbound_emails" DROP COLUMN "pending_since"
        `);
    await queryRunner.query(`
            ALTER TABLE "stripe_events" DROP COLUMN "pending_since"
        `);
    await queryRunner.query(`
            CREATE INDEX "outbound_emails_pending" ON "outbound_emails" ("status", "created_at")
        `);
  }
}
