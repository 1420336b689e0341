import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each confirmation token carries the submission it was mailed for (confirming applies it), and
 * withdrawn signatures keep no comment or display name, nor a name no delivery carried.
 */
export class SignatureTokenSubmission1796629856484 implements MigrationInterface {
  name = 'SignatureTokenSubmission1796629856484';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "signature_tokens"
            ADD "name" text,
            ADD "country" character(2),
            ADD "comment" character varying(500),
            ADD "public" boolean NOT NULL DEFAULT false,
            ADD "display_name" text
        `);
    // Links already mailed showed (at most) what their signature holds: they confirm that.
    await queryRunner.query(`
            UPDATE "signature_tokens" t
               SET "name" = s."name", "country" = s."country", "comment" = s."comment",
                   "public" = s."public", "display_name" = s."display_name"
              FROM "signatures" s WHERE s."id" = t."signature_id"
        `);
    await queryRunner.query(`
            ALTER TABLE "signature_tokens"
            ALTER COLUMN "name" SET NOT NULL,
            ALTER COLUMN "country" SET NOT NULL
        `);
    await queryRunner.query(`
            UPDATE "signatures" s
               SET "comment" = NULL, "display_name" = NULL,
                   "name" = CASE WHEN EXISTS (SELECT 1 FROM "action_delivery_signatures" x
                                               WHERE x."signature_id" = s."id")
                                 THEN s."name" ELSE '' END
             WHERE s."status" = 'withdrawn'
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "signature_tokens"
            DROP COLUMN "display_name",
            DROP COLUMN "public",
            DROP COLUMN "comment",
            DROP COLUMN "country",
            DROP COLUMN "name"
        `);
  }
}
