import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A gift's identity belongs to the gift: each donation and pledge keeps its own public display
 * name, receipt name and address, as sent with it, and each pledge its own Stripe Customer.
 * Gifts are private unless the donor asked otherwise. Earlier gifts take the receipt details
 * their donor row holds now (what their receipts printed until this change).
 */
export class GiftIdentity1796596487797 implements MigrationInterface {
  name = 'GiftIdentity1796596487797';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD "display_name" text
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD "donor_name" text
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD "donor_address" jsonb
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD "stripe_customer_id" text
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ADD CONSTRAINT "UQ_1e951818cc591dfe5ed49f94065" UNIQUE ("stripe_customer_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD "display_name" text
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD "donor_name" text
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ADD "donor_address" jsonb
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ALTER COLUMN "anonymous"
            SET DEFAULT true
        `);
    await queryRunner.query(`
            ALTER TABLE "donations"
            ALTER COLUMN "anonymous"
            SET DEFAULT true
        `);
    await queryRunner.query(`
            UPDATE "donations" d SET "donor_name" = dn."name", "donor_address" = dn."address"
              FROM "donors" dn WHERE dn."id" = d."donor_id"
        `);
    await queryRunner.query(`
            UPDATE "pledges" p SET "donor_name" = dn."name", "donor_address" = dn."address"
              FROM "donors" dn WHERE dn."id" = p."donor_id"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "donations"
            ALTER COLUMN "anonymous"
            SET DEFAULT false
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges"
            ALTER COLUMN "anonymous"
            SET DEFAULT false
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP COLUMN "donor_address"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP COLUMN "donor_name"
        `);
    await queryRunner.query(`
            ALTER TABLE "donations" DROP COLUMN "display_name"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP CONSTRAINT "UQ_1e951818cc591dfe5ed49f94065"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP COLUMN "stripe_customer_id"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP COLUMN "donor_address"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP COLUMN "donor_name"
        `);
    await queryRunner.query(`
            ALTER TABLE "pledges" DROP COLUMN "display_name"
        `);
  }
}
