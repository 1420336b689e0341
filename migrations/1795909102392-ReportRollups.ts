import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportRollups1795909102392 implements MigrationInterface {
  name = 'ReportRollups1795909102392';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "ledger_hourly" (
                "campaign_key" uuid NOT NULL,
                "currency" character(3) NOT NULL,
                "hour" TIMESTAMP WITH TIME ZONE NOT NULL,
                "gross" bigint NOT NULL DEFAULT '0',
                "stripe_fees" bigint NOT NULL DEFAULT '0',
                "refunds" bigint NOT NULL DEFAULT '0',
                "disputes" bigint NOT NULL DEFAULT '0',
                "dispute_fees" bigint NOT NULL DEFAULT '0',
                "net" bigint NOT NULL DEFAULT '0',
                "donation_count" integer NOT NULL DEFAULT '0',
                "one_off_gross" bigint NOT NULL DEFAULT '0',
                "one_off_count" integer NOT NULL DEFAULT '0',
                "recurring_gross" bigint NOT NULL DEFAULT '0',
                "recurring_count" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_7df47f6d7be996b6c34641082ef" PRIMARY KEY ("campaign_key", "currency", "hour")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "campaign_donor_gifts" (
                "entry_id" bigint NOT NULL,
                "campaign_key" uuid NOT NULL,
                "currency" character(3) NOT NULL,
                "donor_id" uuid NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "prev_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_99c3a767bfbf266309b9ba50202" PRIMARY KEY ("entry_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "campaign_donor_gifts_prev" ON "campaign_donor_gifts" (
                "prev_at",
                "occurred_at",
                "campaign_key",
                "currency"
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "campaign_donor_gifts_window" ON "campaign_donor_gifts" (
                "occurred_at",
                "prev_at",
                "campaign_key",
                "currency"
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "campaign_donor_gifts_first" ON "campaign_donor_gifts" (
                "occurred_at",
                "campaign_key",
                "currency",
                "donor_id"
            )
            WHERE prev_at IS NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "campaign_donor_gifts_chain" ON "campaign_donor_gifts" (
                "campaign_key",
                "currency",
                "donor_id",
                "occurred_at",
                "entry_id"
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "donor_first_gifts" (
                "donor_id" uuid NOT NULL,
                "first_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_692254eeaae7174d467fed75ad5" PRIMARY KEY ("donor_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ledger_entries_occurred" ON "ledger_entries" ("occurred_at", "id")
        `);
    // Existing ledger rows, rolled up as src/ledger/report-rollups.ts does (a frozen copy:
    // this migration must keep doing what it did when that file changes).
    const none = `'00000000-0000-0000-0000-000000000000'::uuid`;
    await queryRunner.query(`
            INSERT INTO ledger_hourly (campaign_key, currency, hour, gross, stripe_fees, refunds, disputes,
                   dispute_fees, net, donation_count, one_off_gross, one_off_count, recurring_gross, recurring_count)
            SELECT coalesce(e.campaign_id, ${none}), e.currency, date_trunc('hour', e.occurred_at, 'UTC'),
                   coalesce(sum(e.amount) FILTER (WHERE e.kind = 'charge'), 0),
                   coalesce(-sum(e.amount) FILTER (WHERE e.kind = 'fee'), 0),
                   coalesce(-sum(e.amount) FILTER (WHERE e.kind IN ('refund', 'refund_reversal')), 0),
                   coalesce(-sum(e.amount) FILTER (WHERE e.kind = 'dispute'), 0),
                   coalesce(-sum(e.amount) FILTER (WHERE e.kind = 'dispute_fee'), 0),
                   coalesce(sum(e.amount), 0),
                   count(*) FILTER (WHERE e.kind = 'charge'),
                   coalesce(sum(e.amount) FILTER (WHERE e.kind = 'charge' AND d.kind IS DISTINCT FROM 'installment'), 0),
                   count(*) FILTER (WHERE e.kind = 'charge' AND d.kind IS DISTINCT FROM 'installment'),
                   coalesce(sum(e.amount) FILTER (WHERE e.kind = 'charge' AND d.kind = 'installment'), 0),
                   count(*) FILTER (WHERE e.kind = 'charge' AND d.kind = 'installment')
              FROM ledger_entries e LEFT JOIN donations d ON d.id = e.donation_id
             GROUP BY 1, 2, 3
        `);
    await queryRunner.query(`
            INSERT INTO campaign_donor_gifts (entry_id, campaign_key, currency, donor_id, occurred_at, prev_at)
            SELECT e.id, coalesce(e.campaign_id, ${none}), e.currency, d.donor_id, e.occurred_at,
                   lag(e.occurred_at) OVER (PARTITION BY coalesce(e.campaign_id, ${none}), e.currency, d.donor_id
                                            ORDER BY e.occurred_at, e.id)
              FROM ledger_entries e JOIN donations d ON d.id = e.donation_id
             WHERE e.kind = 'charge' AND d.donor_id IS NOT NULL
        `);
    await queryRunner.query(`
            INSERT INTO donor_first_gifts (donor_id, first_at)
            SELECT d.donor_id, min(e.occurred_at) FROM ledger_entries e JOIN donations d ON d.id = e.donation_id
             WHERE e.kind = 'charge' AND d.donor_id IS NOT NULL GROUP BY d.donor_id
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ledger_entries_occurred"
        `);
    await queryRunner.query(`
            DROP TABLE "donor_first_gifts"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."campaign_donor_gifts_chain"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."campaign_donor_gifts_first"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."campaign_donor_gifts_window"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."campaign_donor_gifts_prev"
        `);
    await queryRunner.query(`
            DROP TABLE "campaign_donor_gifts"
        `);
    await queryRunner.query(`
            DROP TABLE "ledger_hourly"
        `);
  }
}
