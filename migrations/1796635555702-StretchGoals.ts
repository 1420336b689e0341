import { MigrationInterface, QueryRunner } from 'typeorm';

export class StretchGoals1796635555702 implements MigrationInterface {
  name = 'StretchGoals1796635555702';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD "stretch_goals" bigint array NOT NULL DEFAULT '{}'
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD "close_at_goal" boolean NOT NULL DEFAULT false
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD CONSTRAINT "campaigns_stretch_goals_max" CHECK (cardinality(stretch_goals) <= 10)
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP CONSTRAINT "campaigns_stretch_goals_max"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP COLUMN "close_at_goal"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP COLUMN "stretch_goals"
        `);
  }
}
