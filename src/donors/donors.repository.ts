import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { normaliseEmail } from '../common/validation/email';
import { PostalAddress } from './donor.entity';

/** What a donor sees and changes of themself: the email and the name and address for receipts. */
export interface DonorProfile {
  id: string;
  email: string | null;
  name: string | null;
  address: PostalAddress | null;
  erasedAt: Date | null;
}

/** The receipt name and address to change; a field left out stays, `null` clears it. */
export interface ReceiptIdentity {
  name?: string | null;
  address?: PostalAddress | null;
}

/** Postgres's unique_violation. */
const UNIQUE_VIOLATION = '23505';

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

  async profile(id: string): Promise<DonorProfile | null> {
    const rows: {
      id: string;
      email: string | null;
      name: string | null;
      address: PostalAddress | null;
      erased_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT id, email, name, address, erased_at FROM donors WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    return r
      ? { id: r.id, email: r.email, name: r.name, address: r.address, erasedAt: r.erased_at }
      : null;
  }

  /**
   * Writes the fields given (null clears one) on a donor not erased, in the caller's
   * transaction; false when there is no such donor.
   */
  async setReceiptIdentity(
    em: EntityManager,
    id: string,
    identity: ReceiptIdentity,
  ): Promise<boolean> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [, count]: [unknown, number] = await em.query(
      `UPDATE donors
          SET name = CASE WHEN $2 THEN $3 ELSE name END,
              address = CASE WHEN $4 THEN $5::jsonb ELSE address END,
              updated_at = now()
        WHERE id = $1 AND erased_at IS NULL`,
      [
        id,
        identity.name !== undefined,
        identity.name ?? null,
        identity.address !== undefined,
        identity.address ? JSON.stringify(identity.address) : null,
      ],
    );
    return count === 1;
  }

  /**
   * Gives the donor this (normalised) email, in the caller's transaction: `taken` when another
   * donor row has it (then nothing changes, and the transaction stays usable: the attempt runs
   * under a savepoint, as a row inserted meanwhile makes it fail on the unique index).
   */
  async replaceEmail(em: EntityManager, id: string, email: string): Promise<'replaced' | 'taken'> {
    await em.query(`SAVEPOINT replace_email`);
    try {
      const [, count]: [unknown, number] = await em.query(
        `UPDATE donors SET email = $2, updated_at = now()
          WHERE id = $1 AND erased_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM donors o WHERE o.email = $2 AND o.id <> $1)`,
        [id, email],
      );
      await em.query(`RELEASE SAVEPOINT replace_email`);
      return count === 1 ? 'replaced' : 'taken';
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code !== UNIQUE_VIOLATION)
        throw error;
      await em.query(`ROLLBACK TO SAVEPOINT replace_email`);
      return 'taken';
    }
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
