import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each delivery keeps the addressee it was made for (a retry after the target changed goes there). */
export class DeliveryTarget1796630692939 implements MigrationInterface {
  name = 'DeliveryTarget1796630692939';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "action_deliveries"
            ADD "target_name" text NOT NULL DEFAULT ''
        `);
    await queryRunner.query(`
            ALTER TABLE "action_deliveries"
            ADD "target_email" text NOT NULL DEFAULT ''
        `);
    // Deliveries made before: the action's target as it stands.
    await queryRunner.query(`
            UPDATE "action_deliveries" d
               SET "target_name" = a."target_name", "target_email" = a."target_email"
              FROM "actions" a WHERE a."id" = d."action_id"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "action_deliveries" DROP COLUMN "target_email"
        `);
    await queryRunner.query(`
            ALTER TABLE "action_deliveries" DROP COLUMN "target_name"
        `);
  }
}
