import { MigrationInterface, QueryRunner } from 'typeorm';

/** Pledges may also be weekly or quarterly (a quarter is billed as three Stripe months). */
export class PledgeIntervals1796635617413 implements MigrationInterface {
  name = 'PledgeIntervals1796635617413';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP CONSTRAINT "pledges_interval_check"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD CONSTRAINT "pledges_interval_check" CHECK (interval IN ('week', 'month', 'quarter', 'year'))
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Fails while a weekly or quarterly pledge exists: they have no place in the old schema.
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP CONSTRAINT "pledges_interval_check"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD CONSTRAINT "pledges_interval_check" CHECK (interval IN ('month', 'year'))
        `);
  }
}
