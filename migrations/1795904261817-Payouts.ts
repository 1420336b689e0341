import { MigrationInterface, QueryRunner } from 'typeorm';

export class Payouts1795904261817 implements MigrationInterface {
  name = 'Payouts1795904261817';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "payouts" (
                "id" text NOT NULL,
                "amount" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "status" text NOT NULL,
                "arrival_date" TIMESTAMP WITH TIME ZONE,
                "failure_code" text,
                "stripe_created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_76855dc4f0a6c18c72eea302e87" PRIMARY KEY ("id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "payouts"
        `);
  }
}
