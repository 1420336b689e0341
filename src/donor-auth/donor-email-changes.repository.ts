import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A pending email change as its confirmation link finds it. */
export interface UsedEmailChange {
  id: string;
  donorId: string;
  newEmail: string;
}

/** Email changes waiting for their new address to confirm them (`donor_email_changes`). */
@Injectable()
export class DonorEmailChangesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * A new pending change, valid `ttlSeconds` by the database's clock, in the caller's
   * transaction; the donor's earlier ones (and any expired row of anyone's, which holds an
   * address nobody can use any more) are deleted first. Returns its row id.
   */
  async replacePending(
    em: EntityManager,
    donorId: string,
    newEmail: string,
    tokenHash: Buffer,
    ttlSeconds: number,
  ): Promise<string> {
    await em.query(`DELETE FROM donor_email_changes WHERE donor_id = $1 OR expires_at <= now()`, [
      donorId,
    ]);
    const rows: { id: string }[] = await em.query(
      `INSERT INTO donor_email_changes (donor_id, new_email, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING id`,
      [donorId, newEmail, tokenHash, ttlSeconds],
    );
    return rows[0].id;
  }

  /**
   * Uses a link, once, in the caller's transaction: its row is deleted, so of two concurrent
   * attempts only one gets it. Null when unknown, used, replaced or expired.
   */
  async consume(em: EntityManager, tokenHash: Buffer): Promise<UsedEmailChange | null> {
    // TypeORM's postgres driver answers a raw DELETE with [rows, affected count].
    const [rows]: [{ id: string; donor_id: string; new_email: string }[], number] = await em.query(
      `DELETE FROM donor_email_changes WHERE token_hash = $1 AND expires_at > now()
         RETURNING id, donor_id, new_email`,
      [tokenHash],
    );
    const r = rows[0];
    return r ? { id: r.id, donorId: r.donor_id, newEmail: r.new_email } : null;
  }

  /** The donor's pending change, while its link works. */
  async pending(donorId: string): Promise<{ newEmail: string; expiresAt: Date } | null> {
    const rows: { new_email: string; expires_at: Date }[] = await this.dataSource.query(
      `SELECT new_email, expires_at FROM donor_email_changes
        WHERE donor_id = $1 AND expires_at > now()
        ORDER BY created_at DESC LIMIT 1`,
      [donorId],
    );
    const r = rows[0];
    return r ? { newEmail: r.new_email, expiresAt: r.expires_at } : null;
  }

  /** Deletes every change of the donor, pending or expired; returns how many there were. */
  async deleteAllOf(em: EntityManager, donorId: string): Promise<number> {
    const [, count]: [unknown, number] = await em.query(
      `DELETE FROM donor_email_changes WHERE donor_id = $1`,
      [donorId],
    );
    return count;
  }
}
