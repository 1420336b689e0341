import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Environment } from '../common/config/environment';
import { OutboxTable, outboxLeaseMs } from '../common/outbox/outbox-table';
import { OutboundEmail } from './outbound-email.entity';
import { ERASED_ERROR } from '../common/errors/erased';

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
   * Sending an email once: its claim, status and tries. A failed email retried by hand is sent
   * again, never one stopped by an erasure (its address is gone). A body holding a secret
   * (a sign-in link) is cleared once sent.
   */
  readonly outbox: OutboxTable;

  constructor(
    @InjectRepository(OutboundEmail) private readonly repo: Repository<OutboundEmail>,
    env: Environment,
  ) {
    this.outbox = new OutboxTable(
      repo.manager.connection,
      {
        table: 'outbound_emails',
        statusColumn: 'status',
        doneAtColumn: 'sent_at',
        pendingSince: true,
        reopenFailed: { noun: 'email', idKey: 'emailId', only: `to_address <> 'erased'` },
        alsoWhenDone: `text_body = CASE WHEN purge_after_send THEN NULL ELSE text_body END,
                     html_body = CASE WHEN purge_after_send THEN NULL ELSE html_body END`,
      },
      outboxLeaseMs(env),
    );
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

  /**
   * Donor erasure, in the caller's transaction: every email to the donor (by id, or to
   * `email`, the address they had) loses its address and bodies, and a sending error its text.
   * Unsent ones are stopped as well: there is no one left to send them to. Returns how many
   * emails held anything to clear.
   */
  async eraseRecipient(em: EntityManager, donorId: string, email: string | null): Promise<number> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [, count]: [unknown, number] = await em.query(
      `UPDATE outbound_emails SET to_address = 'erased', text_body = NULL, html_body = NULL,
              status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
              last_error = CASE WHEN status = 'pending' THEN 'not sent: the donor was erased'
                                WHEN last_error IS NULL THEN NULL
                                ELSE $3 END
        WHERE (donor_id = $1 OR ($2::text IS NOT NULL AND to_address = $2))
          AND (to_address <> 'erased' OR text_body IS NOT NULL OR html_body IS NOT NULL
               OR (last_error IS NOT NULL AND last_error NOT IN ($3, 'not sent: the donor was erased')))`,
      [donorId, email, ERASED_ERROR],
    );
    return count;
  }

  /**
   * In the caller's transaction, the emails of these dedupe keys that are settled (sent, or
   * given up) keep neither address, bodies nor error text: their purpose is over. Pending ones
   * are left to go out. Returns how many were cleared.
   */
  async forgetSettledByKeys(em: EntityManager, dedupeKeys: string[]): Promise<number> {
    if (!dedupeKeys.length) return 0;
    const [, count]: [unknown, number] = await em.query(
      `UPDATE outbound_emails SET to_address = 'erased', text_body = NULL, html_body = NULL,
              last_error = CASE WHEN last_error IS NULL THEN NULL ELSE 'cleared: its purpose is over' END
        WHERE dedupe_key = ANY($1::text[]) AND status IN ('sent', 'failed')
          AND to_address <> 'erased'`,
      [dedupeKeys],
    );
    return count;
  }

  /**
   * Emails of this kind written over `hours` ago and settled (sent or failed) keep neither
   * address, bodies nor error text: for links that have expired, whose address is kept nowhere
   * else once its purpose is over. At most `limit` rows a call; returns how many.
   */
  async forgetSettled(kind: string, hours: number, limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.repo.query(
      `UPDATE outbound_emails SET to_address = 'erased', text_body = NULL, html_body = NULL,
              last_error = CASE WHEN last_error IS NULL THEN NULL ELSE 'cleared: the link expired' END
        WHERE id IN (
          SELECT id FROM outbound_emails
           WHERE kind = $1 AND status IN ('sent', 'failed') AND to_address <> 'erased'
             AND created_at < now() - make_interval(hours => $2)
           LIMIT $3)`,
      [kind, hours, limit],
    );
    return count;
  }
}
