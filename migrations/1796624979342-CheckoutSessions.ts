import { MigrationInterface, QueryRunner } from 'typeorm';

export class CheckoutSessions1796624979342 implements MigrationInterface {
  name = 'CheckoutSessions1796624979342';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD "checkout_session_id" text
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD CONSTRAINT "UQ_0dc3dbfda19879aa2a81e31d968" UNIQUE ("checkout_session_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD "checkout_session_id" text
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD CONSTRAINT "UQ_b7fec95a5b856e86cf49b7b0f25" UNIQUE ("checkout_session_id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP CONSTRAINT "UQ_b7fec95a5b856e86cf49b7b0f25"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP COLUMN "checkout_session_id"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP CONSTRAINT "UQ_0dc3dbfda19879aa2a81e31d968"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP COLUMN "checkout_session_id"
        `);
  }
}
