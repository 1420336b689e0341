import { MigrationInterface, QueryRunner } from 'typeorm';

export class MailOutbox1795902074948 implements MigrationInterface {
  name = 'MailOutbox1795902074948';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "outbound_emails" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "dedupe_key" text NOT NULL,
                "kind" text NOT NULL,
                "donor_id" uuid,
                "to_address" text NOT NULL,
                "subject" text NOT NULL,
                "text_body" text,
                "html_body" text,
                "purge_after_send" boolean NOT NULL DEFAULT false,
                "status" text NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "sent_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_6c4ddb58be5ee80ef37bc98d5a9" UNIQUE ("dedupe_key"),
                CONSTRAINT "outbound_emails_status_check" CHECK (status IN ('pending', 'sent', 'failed')),
                CONSTRAINT "PK_d07cd54ab4e5dd921ff509203ae" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "outbound_emails_pending" ON "outbound_emails" ("status", "created_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."outbound_emails_pending"
        `);
    await queryRunner.query(`
            DROP TABLE "outbound_emails"
        `);
  }
}
