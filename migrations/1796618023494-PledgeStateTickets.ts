import { MigrationInterface, QueryRunner } from 'typeorm';

export class PledgeStateTickets1796618023494 implements MigrationInterface {
  name = 'PledgeStateTickets1796618023494';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD "stripe_state_ticket" bigint
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP COLUMN "stripe_state_ticket"
        `);
  }
}
