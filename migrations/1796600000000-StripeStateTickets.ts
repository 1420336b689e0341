import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payment flow fetches Stripe's state before its transaction, so two jobs for one payment
 * can fetch in one order and apply in the other. Each fetch takes a ticket first; a donation
 * keeps the ticket of the state applied to it, and an older one is never applied over it.
 */
export class StripeStateTickets1796600000000 implements MigrationInterface {
  name = 'StripeStateTickets1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE "stripe_state_tickets"`);
    await queryRunner.query(`ALTER TABLE "donations" ADD "stripe_state_ticket" bigint`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "donations" DROP COLUMN "stripe_state_ticket"`);
    await queryRunner.query(`DROP SEQUENCE "stripe_state_tickets"`);
  }
}
