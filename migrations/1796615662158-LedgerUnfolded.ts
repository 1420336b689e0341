import { MigrationInterface, QueryRunner } from 'typeorm';

export class LedgerUnfolded1796615662158 implements MigrationInterface {
  name = 'LedgerUnfolded1796615662158';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "ledger_unfolded" (
                "entry_id" bigint NOT NULL,
                "campaign_id" uuid,
                "new_donors" smallint NOT NULL DEFAULT '0',
                CONSTRAINT "PK_add3f139023369ea7ca6f1e5081" PRIMARY KEY ("entry_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ledger_unfolded_campaign" ON "ledger_unfolded" ("campaign_id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ledger_unfolded_campaign"
        `);
    await queryRunner.query(`
            DROP TABLE "ledger_unfolded"
        `);
  }
}
