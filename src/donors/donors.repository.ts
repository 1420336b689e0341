import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { normaliseEmail } from '../common/validation/email';

/** A donor's row as locked for erasure. */
export interface LockedDonor {
  id: string;
  email: string | null;
  erasedAt: Date | null;
}

@Injectable()
export class DonorsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The donor with this email, created (with the email only) when there is none, in the
   * caller's transaction. An existing donor is never written: who gave, under which name and
   * address, belongs to each gift, and a request from anyone who knows an email must not
   * change what is stored about that donor or their earlier gifts.
   */
  async findOrCreateByEmail(em: EntityManager, rawEmail: string): Promise<{ id: string }> {
    const email = normaliseEmail(rawEmail);
    // A concurrent insert of the same email makes ours do nothing, and may not be visible to
    // this statement's snapshot yet: the next statement sees it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const rows: { id: string }[] = await em.query(
        `WITH created AS (
           INSERT INTO donors (email) VALUES ($1) ON CONFLICT (email) DO NOTHING RETURNING id
         )
         SELECT id FROM created UNION ALL SELECT id FROM donors WHERE email = $1 LIMIT 1`,
        [email],
      );
      if (rows[0]) return rows[0];
    }
    throw new Error('donor neither found nor created');
  }

  async setInstallmentReceipts(donorId: string, choice: 'each' | 'year_end'): Promise<void> {
    await this.dataSource.query(
      `UPDATE donors SET installment_receipts = $2, updated_at = now() WHERE id = $1`,
      [donorId, choice],
    );
  }

  async currentEmail(em: EntityManager, donorId: string): Promise<string | null> {
    const rows: { email: string | null }[] = await em.query(
      `SELECT email FROM donors WHERE id = $1 AND erased_at IS NULL`,
      [donorId],
    );
    return rows[0]?.email ?? null;
  }

  /**
   * Locks the donor's row for the caller's transaction: a gift or pledge being recorded for
   * them (which upserts the same row) waits, or is seen by what the caller checks next.
   */
  async lock(em: EntityManager, id: string): Promise<LockedDonor | null> {
    const rows: { id: string; email: string | null; erased_at: Date | null }[] = await em.query(
      `SELECT id, email, erased_at FROM donors WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const r = rows[0];
    return r ? { id: r.id, email: r.email, erasedAt: r.erased_at } : null;
  }

  /**
   * Replaces the donor's email, name and address with a tombstone; an erased donor keeps their
   * first `erased_at`, which is returned.
   */
  async erase(em: EntityManager, id: string): Promise<Date> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [rows]: [{ erased_at: Date }[], number] = await em.query(
      `UPDATE donors SET email = NULL, name = NULL, address = NULL,
              erased_at = coalesce(erased_at, now()), updated_at = now()
        WHERE id = $1
        RETURNING erased_at`,
      [id],
    );
    return rows[0].erased_at;
  }
}
