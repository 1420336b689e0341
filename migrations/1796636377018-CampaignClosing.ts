import { MigrationInterface, QueryRunner } from 'typeorm';

export class CampaignClosing1796636377018 implements MigrationInterface {
  name = 'CampaignClosing1796636377018';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "pledge_moves" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "pledge_id" uuid NOT NULL,
                "from_campaign_id" uuid NOT NULL,
                "to_campaign_id" uuid NOT NULL,
                "moved_by" text NOT NULL,
                "last_invoice_id" text,
                "last_invoice_created" TIMESTAMP WITH TIME ZONE,
                "moved_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pledge_moves_other_campaign" CHECK (from_campaign_id <> to_campaign_id),
                CONSTRAINT "pledge_moves_by_check" CHECK (moved_by IN ('donor', 'staff')),
                CONSTRAINT "PK_91896046e098c65a44f7fd9a0e9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "pledge_moves_from" ON "pledge_moves" ("from_campaign_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "pledge_moves_pledge" ON "pledge_moves" ("pledge_id", "moved_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "pledge_closures" (
                "pledge_id" uuid NOT NULL,
                "campaign_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "ending_set_at" TIMESTAMP WITH TIME ZONE,
                "outcome" text,
                "decided_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pledge_closures_outcome_check" CHECK (outcome IN ('moved', 'stopped')),
                CONSTRAINT "PK_a48f21f210945c2e33c7b5d9387" PRIMARY KEY ("pledge_id", "campaign_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "pledge_closures_pending_ending" ON "pledge_closures" ("created_at")
            WHERE ending_set_at IS NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "pledge_closures_campaign" ON "pledge_closures" ("campaign_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD "closed_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD "close_reason" text
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD "successor_campaign_id" uuid
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD "close_message" text
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD "ends_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD CONSTRAINT "campaigns_successor_not_self" CHECK (successor_campaign_id <> id)
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns"
            ADD CONSTRAINT "campaigns_close_reason_check" CHECK (close_reason IN ('staff', 'ended', 'goal'))
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP CONSTRAINT "campaigns_close_reason_check"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP CONSTRAINT "campaigns_successor_not_self"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP COLUMN "ends_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP COLUMN "close_message"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP COLUMN "successor_campaign_id"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP COLUMN "close_reason"
        `);
    await queryRunner.query(`
            ALTER TABLE "campaigns" DROP COLUMN "closed_at"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."pledge_closures_campaign"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."pledge_closures_pending_ending"
        `);
    await queryRunner.query(`
            DROP TABLE "pledge_closures"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."pledge_moves_pledge"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."pledge_moves_from"
        `);
    await queryRunner.query(`
            DROP TABLE "pledge_moves"
        `);
  }
}
