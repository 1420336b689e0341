import { MigrationInterface, QueryRunner } from 'typeorm';

export class DonorSignIn1795902114020 implements MigrationInterface {
  name = 'DonorSignIn1795902114020';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "donor_sessions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "donor_id" uuid NOT NULL,
                "token_hash" bytea NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_498596af3d8b46961195af5cf22" UNIQUE ("token_hash"),
                CONSTRAINT "PK_8555c3944021716267f924cc6c9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "donor_sessions_donor" ON "donor_sessions" ("donor_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "donor_sign_in_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "donor_id" uuid NOT NULL,
                "token_hash" bytea NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_734a0626b7baafc23fbcd68d501" UNIQUE ("token_hash"),
                CONSTRAINT "PK_cba19a5e06517b2334ee28fa993" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "donor_sign_in_tokens_donor" ON "donor_sign_in_tokens" ("donor_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "donor_sessions"
            ADD CONSTRAINT "FK_17d551178fdb054e0921a964d17" FOREIGN KEY ("donor_id") REFERENCES "donors"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "donor_sign_in_tokens"
            ADD CONSTRAINT "FK_89fc503d3bc937e66d2249897e8" FOREIGN KEY ("donor_id") REFERENCES "donors"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "donor_sign_in_tokens" DROP CONSTRAINT "FK_89fc503d3bc937e66d2249897e8"
        `);
    await queryRunner.query(`
            ALTER TABLE "donor_sessions" DROP CONSTRAINT "FK_17d551178fdb054e0921a964d17"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."donor_sign_in_tokens_donor"
        `);
    await queryRunner.query(`
            DROP TABLE "donor_sign_in_tokens"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."donor_sessions_donor"
        `);
    await queryRunner.query(`
            DROP TABLE "donor_sessions"
        `);
  }
}
