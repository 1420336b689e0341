import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
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

  findById(id: string): Promise<OutboundEmail | null> {
    return this.repo.findOne({ where: { id } });
  }

  async markSent(id: string, purge: boolean): Promise<void> {
    await this.repo.update(
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

  async markAttemptFailed(id: string, error: string, final: boolean): Promise<void> {
    await this.repo.update(
      { id },
      {
        lastError: error.slice(0, 2000),
        attempts: () => 'attempts + 1',
        ...(final ? { status: 'failed' } : {}),
      },
    );
  }

  async pendingIds(olderThan: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.repo.query(
      `SELECT id FROM outbound_emails WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2`,
      [olderThan, limit],
    );
    return rows.map((r) => r.id);
  }
}
