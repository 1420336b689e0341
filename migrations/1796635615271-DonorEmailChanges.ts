import { MigrationInterface, QueryRunner } from 'typeorm';

export class DonorEmailChanges1796635615271 implements MigrationInterface {
  name = 'DonorEmailChanges1796635615271';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "donor_email_changes" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "donor_id" uuid NOT NULL,
                "new_email" text NOT NULL,
                "token_hash" bytea NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_172b8e9a69298479408a52dc2c3" UNIQUE ("token_hash"),
                CONSTRAINT "PK_8502339953e8a808f6bbc334e57" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "donor_email_changes_donor" ON "donor_email_changes" ("donor_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "donor_email_changes"
            ADD CONSTRAINT "FK_1ac43387e9546e008699e23ab92" FOREIGN KEY ("donor_id") REFERENCES "donors"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "donor_email_changes" DROP CONSTRAINT "FK_1ac43387e9546e008699e23ab92"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."donor_email_changes_donor"
        `);
    await queryRunner.query(`
            DROP TABLE "donor_email_changes"
        `);
  }
}
