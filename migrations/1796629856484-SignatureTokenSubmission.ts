import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each confirmation token carries the submission it was mailed for (confirming applies it, then
 * deletes the signature's tokens), and withdrawn signatures keep no comment or display name,
 * nor a name no delivery carried.
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
    // A confirmed or withdrawn signature's links have done their work: they are not kept.
    await queryRunner.query(`
            DELETE FROM "signature_tokens" t USING "signatures" s
             WHERE s."id" = t."signature_id" AND s."status" <> 'pending'
        `);
    // A live link showed (at most) what its signature holds: it confirms that. A voided one
    // keeps no text.
    await queryRunner.query(`
            UPDATE "signature_tokens" t
               SET "name" = CASE WHEN t."used_at" IS NULL THEN s."name" ELSE '' END,
                   "country" = s."country",
                   "comment" = CASE WHEN t."used_at" IS NULL THEN s."comment" END,
                   "public" = s."public",
                   "display_name" = CASE WHEN t."used_at" IS NULL THEN s."display_name" END
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
