import { MigrationInterface, QueryRunner } from 'typeorm';

export class Actions1796627596554 implements MigrationInterface {
  name = 'Actions1796627596554';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "actions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "campaign_id" uuid NOT NULL,
                "slug" text NOT NULL,
                "title" text NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "target_name" text NOT NULL,
                "target_email" text NOT NULL,
                "goal" integer NOT NULL,
                "status" text NOT NULL DEFAULT 'draft',
                "delivery_cron" text,
                "letter_version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "closed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "actions_goal_positive" CHECK (goal > 0),
                CONSTRAINT "actions_status_check" CHECK (status IN ('draft', 'active', 'closed')),
                CONSTRAINT "PK_7bfb822f56be449c0b8adbf83cf" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "actions_campaign_slug" ON "actions" ("campaign_id", "slug")
        `);
    await queryRunner.query(`
            CREATE TABLE "signatures" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "action_id" uuid NOT NULL,
                "letter_version" integer NOT NULL,
                "donor_id" uuid,
                "email" text,
                "email_digest" text NOT NULL,
                "name" text NOT NULL,
                "country" character(2) NOT NULL,
                "comment" character varying(500),
                "public" boolean NOT NULL DEFAULT false,
                "display_name" text,
                "status" text NOT NULL DEFAULT 'pending',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "confirmed_at" TIMESTAMP WITH TIME ZONE,
                "withdrawn_at" TIMESTAMP WITH TIME ZONE,
                "last_mailed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "signatures_country_check" CHECK (country ~ '^[A-Z]{2}$'),
                CONSTRAINT "signatures_status_check" CHECK (status IN ('pending', 'confirmed', 'withdrawn')),
                CONSTRAINT "PK_f56eb3cd344ce7f9ae28ce814eb" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "signatures_pending" ON "signatures" ("created_at")
            WHERE status = 'pending'
        `);
    await queryRunner.query(`
            CREATE INDEX "signatures_donor" ON "signatures" ("donor_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "signatures_action_confirmed" ON "signatures" ("action_id", "confirmed_at", "id")
            WHERE status = 'confirmed'
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "signatures_action_email" ON "signatures" ("action_id", "email_digest")
        `);
    await queryRunner.query(`
            CREATE TABLE "signature_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "signature_id" uuid NOT NULL,
                "token_hash" bytea NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_f882f10636b03fd6507b1c7919c" UNIQUE ("token_hash"),
                CONSTRAINT "PK_33d40e53398c0c4c3feae27eabb" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "signature_tokens_signature" ON "signature_tokens" ("signature_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "action_letters" (
                "action_id" uuid NOT NULL,
                "version" integer NOT NULL,
                "subject" text NOT NULL,
                "body" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_1914848e580deccc92357e5be80" PRIMARY KEY ("action_id", "version")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "action_deliveries" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "action_id" uuid NOT NULL,
                "idempotency_key" text NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "signatures" integer NOT NULL DEFAULT '0',
                "confirmed_from" TIMESTAMP WITH TIME ZONE,
                "confirmed_to" TIMESTAMP WITH TIME ZONE,
                "letter_version" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "sent_at" TIMESTAMP WITH TIME ZONE,
                "pending_since" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "claimed_until" TIMESTAMP WITH TIME ZONE,
                "claim_token" uuid,
                CONSTRAINT "UQ_baa7bb12852ee316003807e96ff" UNIQUE ("idempotency_key"),
                CONSTRAINT "action_deliveries_status_check" CHECK (status IN ('pending', 'sent', 'failed')),
                CONSTRAINT "PK_91c8e71d5365f2468eb216d4fe1" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "action_deliveries_pending" ON "action_deliveries" ("status", "pending_since")
        `);
    await queryRunner.query(`
            CREATE INDEX "action_deliveries_action" ON "action_deliveries" ("action_id", "created_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "actions"
            ADD CONSTRAINT "FK_2fc5ef3dd904a9c5cb78a725f15" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "signatures"
            ADD CONSTRAINT "FK_5ada97d7b670b4eb26b5ff326ff" FOREIGN KEY ("action_id") REFERENCES "actions"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "signatures"
            ADD CONSTRAINT "FK_de689f70c40ba43fafd61bdcdab" FOREIGN KEY ("donor_id") REFERENCES "donors"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "signature_tokens"
            ADD CONSTRAINT "FK_643c4a131e8517cab9cec192874" FOREIGN KEY ("signature_id") REFERENCES "signatures"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "action_letters"
            ADD CONSTRAINT "FK_75812ea29fc4c6c691ca56638f7" FOREIGN KEY ("action_id") REFERENCES "actions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "action_deliveries"
            ADD CONSTRAINT "FK_825894be12d494ab6fedfe4f787" FOREIGN KEY ("action_id") REFERENCES "actions"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "action_deliveries" DROP CONSTRAINT "FK_825894be12d494ab6fedfe4f787"
        `);
    await queryRunner.query(`
            ALTER TABLE "action_letters" DROP CONSTRAINT "FK_75812ea29fc4c6c691ca56638f7"
        `);
    await queryRunner.query(`
            ALTER TABLE "signature_tokens" DROP CONSTRAINT "FK_643c4a131e8517cab9cec192874"
        `);
    await queryRunner.query(`
            ALTER TABLE "signatures" DROP CONSTRAINT "FK_de689f70c40ba43fafd61bdcdab"
        `);
    await queryRunner.query(`
            ALTER TABLE "signatures" DROP CONSTRAINT "FK_5ada97d7b670b4eb26b5ff326ff"
        `);
    await queryRunner.query(`
            ALTER TABLE "actions" DROP CONSTRAINT "FK_2fc5ef3dd904a9c5cb78a725f15"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."action_deliveries_action"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."action_deliveries_pending"
        `);
    await queryRunner.query(`
            DROP TABLE "action_deliveries"
        `);
    await queryRunner.query(`
            DROP TABLE "action_letters"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."signature_tokens_signature"
        `);
    await queryRunner.query(`
            DROP TABLE "signature_tokens"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."signatures_action_email"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."signatures_action_confirmed"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."signatures_donor"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."signatures_pending"
        `);
    await queryRunner.query(`
            DROP TABLE "signatures"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."actions_campaign_slug"
        `);
    await queryRunner.query(`
            DROP TABLE "actions"
        `);
  }
}
