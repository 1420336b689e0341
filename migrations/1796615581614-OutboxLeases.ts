import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lease on each outbox row instead of a session advisory lock held on a pooled connection:
 * the job that claims a row sets `claimed_until` (renewed while it works) and `claim_token`
 * (only it may renew the claim or record the outcome). See `OutboxTable`.
 */
export class OutboxLeases1796615581614 implements MigrationInterface {
  name = 'OutboxLeases1796615581614';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['stripe_events', 'receipts', 'statements', 'outbound_emails']) {
      await queryRunner.query(`
            ALTER TABLE "${table}"
            ADD "claimed_until" TIMESTAMP WITH TIME ZONE
        `);
      await queryRunner.query(`
            ALTER TABLE "${table}"
            ADD "claim_token" uuid
        `);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['outbound_emails', 'statements', 'receipts', 'stripe_events']) {
      await queryRunner.query(`
            ALTER TABLE "${table}" DROP COLUMN "claim_token"
        `);
      await queryRunner.query(`
            ALTER TABLE "${table}" DROP COLUMN "claimed_until"
        `);
    }
  }
}
