import { MigrationInterface, QueryRunner } from 'typeorm';

export class Receipts1795902582172 implements MigrationInterface {
  name = 'Receipts1795902582172';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "receipts" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "number" text NOT NULL,
                "year" integer NOT NULL,
                "donation_id" uuid NOT NULL,
                "donor_id" uuid NOT NULL,
                "type" text NOT NULL,
                "status" text NOT NULL DEFAULT 'issued',
                "replaces_receipt_id" uuid,
                "amount" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "voided_at" TIMESTAMP WITH TIME ZONE,
                "send_status" text NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "sent_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_c4c2c9f6e041e6680df88dd121e" UNIQUE ("number"),
                CONSTRAINT "receipts_send_status_check" CHECK (
                    send_status IN ('pending', 'sent', 'failed', 'suppressed')
                ),
                CONSTRAINT "receipts_status_check" CHECK (status IN ('issued', 'replaced', 'voided')),
                CONSTRAINT "PK_5e8182d7c29e023da6e1ff33bfe" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "receipts_send_status" ON "receipts" ("send_status", "issued_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "receipts_donation" ON "receipts" ("donation_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "receipt_counters" (
                "year" integer NOT NULL,
                "last" integer NOT NULL,
                CONSTRAINT "PK_3d0ee6240d2218cef3243d6884e" PRIMARY KEY ("year")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "statements" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "donor_id" uuid NOT NULL,
                "year" integer NOT NULL,
                "send_status" text NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "sent_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "statements_donor_year" UNIQUE ("donor_id", "year"),
                CONSTRAINT "statements_send_status_check" CHECK (
                    send_status IN ('pending', 'sent', 'failed', 'suppressed')
                ),
                CONSTRAINT "PK_7f53bcddeb706df7ea7eec10b8d" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "donors"
            ADD "installment_receipts" text NOT NULL DEFAULT 'each'
        `);
    await queryRunner.query(`
            ALTER TABLE "receipts"
            ADD CONSTRAINT "FK_88cb0be65e3d6f4a0404bc8721f" FOREIGN KEY ("donation_id") REFERENCES "donations"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "receipts" DROP CONSTRAINT "FK_88cb0be65e3d6f4a0404bc8721f"
        `);
    await queryRunner.query(`
            ALTER TABLE "donors" DROP COLUMN "installment_receipts"
        `);
    await queryRunner.query(`
            DROP TABLE "statements"
        `);
    await queryRunner.query(`
            DROP TABLE "receipt_counters"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."receipts_donation"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."receipts_send_status"
        `);
    await queryRunner.query(`
            DROP TABLE "receipts"
        `);
  }
}
