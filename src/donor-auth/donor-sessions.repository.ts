import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { toSafeInteger } from '../common/database/bigint.transformer';
import { DonationKind, DonationStatus } from '../donations/donation.entity';

export interface ActiveDonorSession {
  id: string;
  donorId: string;
  tokenHash: Buffer;
}

export interface DonorDonationRow {
  id: string;
  campaign: { slug: string; title: string } | null;
  kind: DonationKind;
  amount: number;
  currency: string;
  status: DonationStatus;
  refundedAmount: number;
  createdAt: Date;
  succeededAt: Date | null;
  /** The pledge an instalment belongs to; null for other gifts. */
  pledgeId: string | null;
}

/** What a signed-in donor sees of their own gifts: paid, refunded (still succeeded) or pending. */
/**
 * Paid gifts only: a pending one may be anyone's request made with this address (an email is
 * not proof of who someone is), and it holds nothing the donor needs.
 */
const VISIBLE_STATUSES: DonationStatus[] = ['succeeded'];

/** Sign-in tokens, donor sessions and the donor's own view of their gifts. */
@Injectable()
export class DonorSessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * The donor who may sign in with this (normalised) email: not erased, and who has given (a
   * succeeded gift, refunded ones included, or a pledge whose first payment succeeded) or
   * confirmed a signature by its emailed link (withdrawn since or not). Someone who only started
   * a gift or a signature with an address proves nothing about owning it. (Pledges and
   * signatures belong to modules that import this one: read here, never written.)
   */
  async findSignInDonor(email: string): Promise<{ id: string; name: string | null } | null> {
    const rows: { id: string; name: string | null }[] = await this.dataSource.query(
      `SELECT d.id, d.name FROM donors d
        WHERE d.email = $1 AND d.erased_at IS NULL
          AND (EXISTS (SELECT 1 FROM donations g WHERE g.donor_id = d.id AND g.status = 'succeeded')
               OR EXISTS (SELECT 1 FROM pledges p WHERE p.donor_id = d.id AND p.paid_installments > 0)
               OR EXISTS (SELECT 1 FROM signatures s WHERE s.donor_id = d.id AND s.confirmed_at IS NOT NULL))`,
      [email],
    );
    return rows[0] ?? null;
  }

  /** Unused sign-in links of the donor stop working (a newer one was sent, or they signed out everywhere). */
  async deleteUnusedSignInTokens(em: EntityManager, donorId: string): Promise<void> {
    await em.query(`DELETE FROM donor_sign_in_tokens WHERE donor_id = $1 AND used_at IS NULL`, [
      donorId,
    ]);
  }

  /** A new sign-in token, valid `ttlSeconds` by the database's clock; returns its row id. */
  async insertSignInToken(
    em: EntityManager,
    donorId: string,
    tokenHash: Buffer,
    ttlSeconds: number,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO donor_sign_in_tokens (donor_id, token_hash, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING id`,
      [donorId, tokenHash, ttlSeconds],
    );
    return rows[0].id;
  }

  /**
   * Uses the token, once: of two concurrent attempts only one gets the donor id. Null when
   * the token is unknown, used, expired, or its donor has since been erased.
   */
  async consumeSignInToken(tokenHash: Buffer): Promise<string | null> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [rows]: [{ donor_id: string }[], number] = await this.dataSource.query(
      `UPDATE donor_sign_in_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
          AND donor_id IN (SELECT id FROM donors WHERE erased_at IS NULL)
        RETURNING donor_id`,
      [tokenHash],
    );
    return rows[0]?.donor_id ?? null;
  }

  async insertSession(
    donorId: string,
    tokenHash: Buffer,
    ttlMinutes: number,
  ): Promise<{ id: string; expiresAt: Date }> {
    const rows: { id: string; expires_at: Date }[] = await this.dataSource.query(
      `INSERT INTO donor_sessions (donor_id, token_hash, expires_at)
       VALUES ($1, $2, now() + make_interval(mins => $3)) RETURNING id, expires_at`,
      [donorId, tokenHash, ttlMinutes],
    );
    return { id: rows[0].id, expiresAt: rows[0].expires_at };
  }

  /** The session a token hash belongs to, while neither expired, revoked nor of an erased donor. */
  async findActiveSession(tokenHash: Buffer): Promise<ActiveDonorSession | null> {
    const rows: { id: string; donor_id: string; token_hash: Buffer }[] =
      await this.dataSource.query(
        `SELECT s.id, s.donor_id, s.token_hash
           FROM donor_sessions s JOIN donors d ON d.id = s.donor_id
          WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
            AND d.erased_at IS NULL`,
        [tokenHash],
      );
    const row = rows[0];
    return row ? { id: row.id, donorId: row.donor_id, tokenHash: row.token_hash } : null;
  }

  async revokeSession(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE donor_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    );
  }

  /** Revokes every open session of the donor; returns how many were open. */
  async revokeAllSessions(em: EntityManager, donorId: string): Promise<number> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [, count]: [unknown, number] = await em.query(
      `UPDATE donor_sessions SET revoked_at = now() WHERE donor_id = $1 AND revoked_at IS NULL`,
      [donorId],
    );
    return count;
  }

  /** One donor's gifts, newest first, `before` a creation time to page. Never another donor's. */
  async listDonorDonations(
    donorId: string,
    limit: number,
    before?: Date,
  ): Promise<DonorDonationRow[]> {
    const rows: {
      id: string;
      slug: string | null;
      title: string | null;
      kind: DonationKind;
      amount: string;
      currency: string;
      status: DonationStatus;
      refunded_amount: string;
      created_at: Date;
      succeeded_at: Date | null;
      pledge_id: string | null;
    }[] = await this.dataSource.query(
      `SELECT d.id, c.slug, c.title, d.kind, d.amount, d.currency, d.status, d.refunded_amount,
              d.created_at, d.succeeded_at, d.pledge_id
         FROM donations d LEFT JOIN campaigns c ON c.id = d.campaign_id
        WHERE d.donor_id = $1 AND d.status = ANY($2)
          AND ($3::timestamptz IS NULL OR d.created_at < $3)
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $4`,
      [donorId, VISIBLE_STATUSES, before ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      campaign: r.slug === null ? null : { slug: r.slug, title: r.title ?? '' },
      kind: r.kind,
      amount: toSafeInteger(r.amount),
      currency: r.currency.trim(),
      status: r.status,
      refundedAmount: toSafeInteger(r.refunded_amount),
      createdAt: r.created_at,
      succeededAt: r.succeeded_at,
      pledgeId: r.pledge_id,
    }));
  }

  /**
   * Donor erasure, in the caller's transaction: deletes every session and sign-in token of
   * the donor, used or not. Returns how many of each were deleted.
   */
  async deleteAllOf(
    em: EntityManager,
    donorId: string,
  ): Promise<{ sessions: number; signInTokens: number }> {
    // TypeORM's postgres driver answers a raw DELETE with [rows, affected count].
    const [, sessions]: [unknown, number] = await em.query(
      `DELETE FROM donor_sessions WHERE donor_id = $1`,
      [donorId],
    );
    const [, signInTokens]: [unknown, number] = await em.query(
      `DELETE FROM donor_sign_in_tokens WHERE donor_id = $1`,
      [donorId],
    );
    return { sessions, signInTokens };
  }
}
