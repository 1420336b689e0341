import { MigrationInterface, QueryRunner } from 'typeorm';

export class ActionDeliverySignatures1796627772595 implements MigrationInterface {
  name = 'ActionDeliverySignatures1796627772595';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "action_delivery_signatures" (
                "delivery_id" uuid NOT NULL,
                "signature_id" uuid NOT NULL,
                CONSTRAINT "PK_e99b323ffce68cf3ad56af38a04" PRIMARY KEY ("delivery_id", "signature_id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "action_delivery_signatures_signature" ON "action_delivery_signatures" ("signature_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "action_deliveries"
            ADD "note" text
        `);
    await queryRunner.query(`
            ALTER TABLE "action_delivery_signatures"
            ADD CONSTRAINT "FK_c0bda2a9fb285c12649ab77432e" FOREIGN KEY ("delivery_id") REFERENCES "action_deliveries"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "action_delivery_signatures"
            ADD CONSTRAINT "FK_023bc553a7bd6add73031fd7cd3" FOREIGN KEY ("signature_id") REFERENCES "signatures"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "action_delivery_signatures" DROP CONSTRAINT "FK_023bc553a7bd6add73031fd7cd3"
        `);
    await queryRunner.query(`
            ALTER TABLE "action_delivery_signatures" DROP CONSTRAINT "FK_c0bda2a9fb285c12649ab77432e"
        `);
    await queryRunner.query(`
            ALTER TABLE "action_deliveries" DROP COLUMN "note"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."action_delivery_signatures_signature"
        `);
    await queryRunner.query(`
            DROP TABLE "action_delivery_signatures"
        `);
  }
}
