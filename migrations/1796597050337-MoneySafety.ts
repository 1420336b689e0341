import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Money-side safety: per-currency gift limits on campaigns; staff refunds reserve their amount
 * before Stripe is asked (reserved → made, or released when Stripe refuses); Idempotency-Keys
 * that are forgotten after 24 hours carry their expiry (null: kept with the gift they made).
 * Offline gifts' existing keys get their 24 hours; every earlier refund was made.
 */
export class MoneySafety1796597050337 implements MigrationInterface {
  name = 'MoneySafety1796597050337';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD "limits" jsonb
        `);
    await queryRunner.query(`
            ALTER TABLE "staff_refunds"
            ADD "status" text NOT NULL DEFAULT 'made'
        `);
    await queryRunner.query(`
            ALTER TABLE "idempotency_keys"
            ADD "expires_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            UPDATE "idempotency_keys" SET "expires_at" = "created_at" + interval '24 hours'
            WHERE "scope" = 'offline-donation:create'
        `);
    await queryRunner.query(`
            CREATE INDEX "idempotency_keys_expires_at" ON "idempotency_keys" ("expires_at")
            WHERE expires_at IS NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "staff_refunds"
            ADD CONSTRAINT "staff_refunds_status_check" CHECK (status IN ('reserved', 'made', 'released'))
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "staff_refunds" DROP CONSTRAINT "staff_refunds_status_check"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idempotency_keys_expires_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "idempotency_keys" DROP COLUMN "expires_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "staff_refunds" DROP COLUMN "status"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP COLUMN "limits"
        `);
  }
}
