import { MigrationInterface, QueryRunner } from 'typeorm';

export class OfflineGiftsRefunds1795904124861 implements MigrationInterface {
  name = 'OfflineGiftsRefunds1795904124861';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "staff_refunds" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "donation_id" uuid NOT NULL,
                "sequence" integer NOT NULL,
                "amount" bigint,
                "reason" text NOT NULL,
                "requested_by" text NOT NULL,
                "stripe_refund_id" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_10f8285cae7ac194a1435d208dd" UNIQUE ("stripe_refund_id"),
                CONSTRAINT "PK_7e4fdb204066ce8748891b53d1c" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "staff_refunds_donation_sequence" ON "staff_refunds" ("donation_id", "sequence")
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD "method" text NOT NULL DEFAULT 'card'
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD "reference" text
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD "received_on" date
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD CONSTRAINT "donations_method_check" CHECK (
                    method IN ('card', 'cheque', 'bank_transfer', 'cash')
                )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "donations" DROP CONSTRAINT "donations_method_check"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP COLUMN "received_on"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP COLUMN "reference"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP COLUMN "method"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."staff_refunds_donation_sequence"
        `);
    await queryRunner.query(`
            DROP TABLE "staff_refunds"
        `);
  }
}
