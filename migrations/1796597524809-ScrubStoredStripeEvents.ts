import { MigrationInterface, QueryRunner } from 'typeorm';
import { scrubStripeEvent } from '../src/stripe/events/scrub-event';

const BATCH = 500;

/**
 * Stripe events are now stored without personal fields (scrubStripeEvent, at the inbox). This
 * removes them from the events stored before: names, emails, addresses, phones, billing and
 * shipping details, receipt URLs, client secrets, and metadata that is not ours. Processing
 * never read them. Data only; nothing to undo (what was removed is not kept anywhere).
 */
export class ScrubStoredStripeEvents1796597524809 implements MigrationInterface {
  name = 'ScrubStoredStripeEvents1796597524809';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (let after = ''; ;) {
      const rows: { id: string; payload: Record<string, unknown> }[] = await queryRunner.query(
        `SELECT id, payload FROM stripe_events WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, BATCH],
      );
      for (const row of rows) {
        const scrubbed = scrubStripeEvent(row.payload);
        if (JSON.stringify(scrubbed) === JSON.stringify(row.payload)) continue;
        await queryRunner.query(`UPDATE stripe_events SET payload = $2 WHERE id = $1`, [
          row.id,
          JSON.stringify(scrubbed),
        ]);
      }
      if (rows.length < BATCH) return;
      after = rows[rows.length - 1].id;
    }
  }

  public async down(): Promise<void> {
    // Nothing to restore: the removed fields are gone by design.
  }
}
