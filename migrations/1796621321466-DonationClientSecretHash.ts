import { MigrationInterface, QueryRunner } from 'typeorm';

export class DonationClientSecretHash1796621321466 implements MigrationInterface {
  name = 'DonationClientSecretHash1796621321466';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD "client_secret_hash" text
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "donations" DROP COLUMN "client_secret_hash"
        `);
  }
}
