import { MigrationInterface, QueryRunner } from 'typeorm';

export class OwedReceipts1796610925973 implements MigrationInterface {
  name = 'OwedReceipts1796610925973';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "receipts"
            ALTER COLUMN "number" DROP NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "receipts_owed" ON "receipts" ("year", "issued_at")
            WHERE number IS NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."receipts_owed"
        `);
    await queryRunner.query(`
            ALTER TABLE "receipts"
            ALTER COLUMN "number"
            SET NOT NULL
        `);
  }
}
