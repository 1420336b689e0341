import { MigrationInterface, QueryRunner } from 'typeorm';

export class Pledges1795902368693 implements MigrationInterface {
  name = 'Pledges1795902368693';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "pledges" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "campaign_id" uuid NOT NULL,
                "donor_id" uuid NOT NULL,
                "status" text NOT NULL DEFAULT 'incomplete',
                "amount" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "intended_amount" bigint NOT NULL,
                "cover_fees" boolean NOT NULL DEFAULT false,
                "interval" text NOT NULL,
                "installments" integer,
                "paid_installments" integer NOT NULL DEFAULT '0',
                "anonymous" boolean NOT NULL DEFAULT false,
                "stripe_subscription_id" text,
                "stripe_subscription_item_id" text,
                "current_period_end" TIMESTAMP WITH TIME ZONE,
                "paused_until" TIMESTAMP WITH TIME ZONE,
                "cancel_reason" text,
                "canceled_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_9de3af5b53b501e266568700f5b" UNIQUE ("stripe_subscription_id"),
                CONSTRAINT "pledges_interval_check" CHECK (interval IN ('month', 'year')),
                CONSTRAINT "pledges_status_check" CHECK (
                    status IN (
                        'incomplete',
                        'active',
                        'past_due',
                        'paused',
                        'canceled',
                        'completed'
                    )
                ),
                CONSTRAINT "PK_cbc41e4e1ba6b2690543f158d22" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "pledges_status" ON "pledges" ("status", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "pledges_donor" ON "pledges" ("donor_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD "stripe_product_id" text
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD CONSTRAINT "UQ_7262f1d62299852f3966d1fc3ad" UNIQUE ("stripe_product_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD "pledge_id" uuid
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD "stripe_invoice_id" text
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD CONSTRAINT "UQ_d53f389ded0d0dcec4d2ec0efa6" UNIQUE ("stripe_invoice_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD CONSTRAINT "FK_35be1cef21a08bd1c67e25ba292" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD CONSTRAINT "FK_ee974d39e8d3fb2646bb1a63ec7" FOREIGN KEY ("donor_id") REFERENCES "donors"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD CONSTRAINT "FK_f30900dc6f7765616764105b00a" FOREIGN KEY ("pledge_id") REFERENCES "pledges"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "donations" DROP CONSTRAINT "FK_f30900dc6f7765616764105b00a"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP CONSTRAINT "FK_ee974d39e8d3fb2646bb1a63ec7"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP CONSTRAINT "FK_35be1cef21a08bd1c67e25ba292"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP CONSTRAINT "UQ_d53f389ded0d0dcec4d2ec0efa6"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP COLUMN "stripe_invoice_id"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP COLUMN "pledge_id"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP CONSTRAINT "UQ_7262f1d62299852f3966d1fc3ad"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP COLUMN "stripe_product_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."pledges_donor"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."pledges_status"
        `);
    await queryRunner.query(`
            DROP TABLE "pledges"
        `);
  }
}
