import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { withSessionLock } from '../common/database/locks';
import { OutboundEmail } from './outbound-email.entity';
import { failedTry } from '../common/database/attempts';
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
  constructor(@InjectRepository(OutboundEmail) private readonly repo: Repository<OutboundEmail>) {}

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
   * Runs `work` holding the email's advisory lock (one sender per email across workers), with
   * the lock's connection for its queries; null at once when another job holds it.
   */
  whileSending<T>(id: string, work: (em: EntityManager) => Promise<T>) {
    return withSessionLock(this.repo.manager.connection, `email:${id}`, work);
  }

  async markSent(id: string, purge: boolean, em: EntityManager = this.repo.manager): Promise<void> {
    await em.update(
      OutboundEmail,
      { id },
      {
        status: 'sent',
        sentAt: () => 'now()',
        attempts: () => 'attempts + 1',
        lastError: null,
        ...(purge ? { textBody: null, htmlBody: null } : {}),
      },
    );
  }

  async markAttemptFailed(
    id: string,
    error: unknown,
    final: boolean,
    em: EntityManager = this.repo.manager,
  ): Promise<void> {
    await em.update(
      OutboundEmail,
      { id },
      {
        ...failedTry(error),
        ...(final ? { status: 'failed' } : {}),
      },
    );
  }

  /**
   * A failed email back to pending, its wait starting now: true when it was failed. Never one
   * stopped by an erasure (its address is gone).
   */
  async reopenFailed(em: EntityManager, id: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected]: [unknown, number] = await em.query(
      `UPDATE outbound_emails SET status = 'pending', pending_since = now(), last_error = NULL
        WHERE id = $1 AND status = 'failed' AND to_address <> 'erased'`,
      [id],
    );
    return affected > 0;
  }

  async pendingIds(olderThan: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.repo.query(
      `SELECT id FROM outbound_emails WHERE status = 'pending' AND pending_since < $1 ORDER BY pending_since LIMIT $2`,
      [olderThan, limit],
    );
    return rows.map((r) => r.id);
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
}
