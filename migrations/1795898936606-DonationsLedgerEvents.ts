import { MigrationInterface, QueryRunner } from 'typeorm';

export class DonationsLedgerEvents1795898936606 implements MigrationInterface {
  name = 'DonationsLedgerEvents1795898936606';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "donors" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "email" text,
                "name" text,
                "address" jsonb,
                "stripe_customer_id" text,
                "erased_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_9243641c431b745a6fc60d68560" UNIQUE ("email"),
                CONSTRAINT "UQ_b853a31b4443fb7dd879db5c841" UNIQUE ("stripe_customer_id"),
                CONSTRAINT "PK_7fafae759bcc8cc1dfa09c3fbcf" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "donations" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "campaign_id" uuid,
                "donor_id" uuid,
                "kind" text NOT NULL DEFAULT 'one_off',
                "status" text NOT NULL DEFAULT 'pending',
                "amount" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "intended_amount" bigint NOT NULL,
                "cover_fees" boolean NOT NULL DEFAULT false,
                "anonymous" boolean NOT NULL DEFAULT false,
                "message" text,
                "tribute" jsonb,
                "stripe_payment_intent_id" text,
                "stripe_charge_id" text,
                "received_amount" bigint,
                "received_currency" character(3),
                "fee_amount" bigint,
                "settled_amount" bigint,
                "settled_currency" character(3),
                "refunded_amount" bigint NOT NULL DEFAULT '0',
                "dispute_status" text,
                "flags" text array NOT NULL DEFAULT '{}',
                "failure_reason" text,
                "succeeded_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_97212fa43e6550c2327e798c1d9" UNIQUE ("stripe_payment_intent_id"),
                CONSTRAINT "UQ_58fe63296241131eec0fe2d7db6" UNIQUE ("stripe_charge_id"),
                CONSTRAINT "donations_status_check" CHECK (
                    status IN (
                        'pending',
                        'processing',
                        'succeeded',
                        'failed',
                        'canceled'
                    )
                ),
                CONSTRAINT "PK_c01355d6f6f50fc6d1b4a946abf" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "donations_recent_supporters" ON "donations" ("campaign_id", "succeeded_at", "created_at")
            WHERE status = 'succeeded'
        `);
    await queryRunner.query(`
            CREATE TABLE "campaign_progress" (
                "campaign_id" uuid NOT NULL,
                "raised" bigint NOT NULL DEFAULT '0',
                "fees" bigint NOT NULL DEFAULT '0',
                "donation_count" integer NOT NULL DEFAULT '0',
                "donor_count" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_18867ed5d733719b3dbef66e054" PRIMARY KEY ("campaign_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "campaign_currency_totals" (
                "campaign_id" uuid NOT NULL,
                "currency" character(3) NOT NULL,
                "gross" bigint NOT NULL DEFAULT '0',
                "fees" bigint NOT NULL DEFAULT '0',
                "refunds" bigint NOT NULL DEFAULT '0',
                "disputes" bigint NOT NULL DEFAULT '0',
                "donation_count" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_291fc07c6af1b2491c22a14d3a7" PRIMARY KEY ("campaign_id", "currency")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "campaign_donors" (
                "campaign_id" uuid NOT NULL,
                "donor_id" uuid NOT NULL,
                CONSTRAINT "PK_3662412fcfc847c09227c95ff9a" PRIMARY KEY ("campaign_id", "donor_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "ledger_entries" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "dedupe_key" text NOT NULL,
                "donation_id" uuid,
                "campaign_id" uuid,
                "kind" text NOT NULL,
                "amount" bigint NOT NULL,
                "currency" character(3) NOT NULL,
                "settled_amount" bigint NOT NULL,
                "settled_currency" character(3) NOT NULL,
                "stripe_payment_intent_id" text,
                "stripe_charge_id" text,
                "stripe_balance_transaction_id" text,
                "stripe_refund_id" text,
                "stripe_dispute_id" text,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_67c3494832be65558af8ce5e0f5" UNIQUE ("dedupe_key"),
                CONSTRAINT "ledger_entries_kind_check" CHECK (
                    kind IN (
                        'charge',
                        'fee',
                        'refund',
                        'refund_reversal',
                        'dispute',
                        'dispute_fee'
                    )
                ),
                CONSTRAINT "PK_6efcb84411d3f08b08450ae75d5" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ledger_entries_donation" ON "ledger_entries" ("donation_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ledger_entries_campaign" ON "ledger_entries" ("campaign_id", "occurred_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "stripe_events" (
                "id" text NOT NULL,
                "type" text NOT NULL,
                "object_id" text,
                "api_version" text,
                "livemode" boolean NOT NULL,
                "stripe_created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "payload" jsonb NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "processed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "stripe_events_status_check" CHECK (
                    status IN ('pending', 'processed', 'ignored', 'failed')
                ),
                CONSTRAINT "PK_d3247bd5fc3f66b6982bbcdd897" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "stripe_events_status" ON "stripe_events" ("status", "received_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "scope" text NOT NULL,
                "key" text NOT NULL,
                "request_hash" text NOT NULL,
                "resource_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_15de2f76fa9f27ad8f330983607" PRIMARY KEY ("scope", "key")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD CONSTRAINT "FK_6ad4405f42816956aa8a89bc9fb" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD CONSTRAINT "FK_6d627a82b263d4ad02bd2255930" FOREIGN KEY ("donor_id") REFERENCES "donors"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
    // The ledger is append-only: corrections are reversing entries, never edits.
    await queryRunner.query(`
            CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'ledger_entries is append-only: add a reversing entry instead';
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
            FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER ledger_entries_append_only ON ledger_entries`);
    await queryRunner.query(`DROP FUNCTION ledger_entries_append_only()`);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP CONSTRAINT "FK_6d627a82b263d4ad02bd2255930"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP CONSTRAINT "FK_6ad4405f42816956aa8a89bc9fb"
        `);
    await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."stripe_events_status"
        `);
    await queryRunner.query(`
            DROP TABLE "stripe_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ledger_entries_campaign"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ledger_entries_donation"
        `);
    await queryRunner.query(`
            DROP TABLE "ledger_entries"
        `);
    await queryRunner.query(`
            DROP TABLE "campaign_donors"
        `);
    await queryRunner.query(`
            DROP TABLE "campaign_currency_totals"
        `);
    await queryRunner.query(`
            DROP TABLE "campaign_progress"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."donations_recent_supporters"
        `);
    await queryRunner.query(`
            DROP TABLE "donations"
        `);
    await queryRunner.query(`
            DROP TABLE "donors"
        `);
  }
}
