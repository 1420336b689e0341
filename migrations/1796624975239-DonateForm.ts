import { MigrationInterface, QueryRunner } from 'typeorm';

export class DonateForm1796624975239 implements MigrationInterface {
  name = 'DonateForm1796624975239';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD "suggested_amounts" jsonb
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD "client_secret_hash" text
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP COLUMN "client_secret_hash"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP COLUMN "suggested_amounts"
        `);
  }
}
