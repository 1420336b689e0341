import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OutboxTable } from '../common/outbox/outbox-table';
import { OutboundEmail } from './outbound-email.entity';

export interface NewEmail {
  dedupeKey: string;
  kind: string;
  donorId: string | null;
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  purgeAfterSend?: boolean;
}

@Injectable()
export class OutboundEmailsRepository {
  /**
   * Sending an email once: its lock, status and tries. A failed email retried by hand is sent
   * again, never one stopped by an erasure (its address is gone). A body holding a secret
   * (a sign-in link) is cleared once sent.
   */
  readonly outbox: OutboxTable;

  constructor(@InjectRepository(OutboundEmail) private readonly repo: Repository<OutboundEmail>) {
    this.outbox = new OutboxTable(repo.manager.connection, {
      table: 'outbound_emails',
      lockPrefix: 'email',
      statusColumn: 'status',
      doneAtColumn: 'sent_at',
      pendingSince: true,
      reopenFailed: { noun: 'email', idKey: 'emailId', only: `to_address <> 'erased'` },
      alsoWhenDone: `text_body = CASE WHEN purge_after_send THEN NULL ELSE text_body END,
                     html_body = CASE WHEN purge_after_send THEN NULL ELSE html_body END`,
    });
  }

  /** Adds the email in the caller's transaction; returns its id, or null when already there. */
  async add(em: EntityManager, email: NewEmail): Promise<string | null> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO outbound_emails (dedupe_key, kind, donor_id, to_address, subject, text_body, html_body, purge_after_send)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [
        email.dedupeKey,
        email.kind,
        email.donorId,
        email.toAddress,
        email.subject,
        email.textBody,
        email.htmlBody,
        email.purgeAfterSend ?? false,
      ],
    );
    return rows[0]?.id ?? null;
  }

  findById(id: string, em: EntityManager = this.repo.manager): Promise<OutboundEmail | null> {
    return em.findOne(OutboundEmail, { where: { id } });
  }
}
