import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SignatureStatus } from './signature.entity';

/** What a signer submitted, as a confirmation link carries it and confirming applies it. */
export interface Submission {
  name: string;
  country: string;
  comment: string | null;
  public: boolean;
  displayName: string | null;
}

export interface NewSignature extends Submission {
  actionId: string;
  letterVersion: number;
  email: string;
  emailDigest: string;
}

/** A signature as signing finds it again (by the email's digest). */
export interface KnownSignature extends Submission {
  id: string;
  status: SignatureStatus;
  /** Whether its last confirmation link was mailed within the last day. */
  mailedToday: boolean;
  /** Only while pending. */
  email: string | null;
}

/** A public signer, and the position the next page starts after. */
export interface Signer {
  id: string;
  displayName: string;
  country: string;
  confirmedAt: Date;
}

export interface SignerCursor {
  confirmedAt: Date;
  id: string;
}

/** A signature in its signer's portal. */
export interface DonorSignature {
  id: string;
  campaignSlug: string;
  campaignTitle: string;
  actionSlug: string;
  actionTitle: string;
  status: SignatureStatus;
  public: boolean;
  displayName: string | null;
  country: string;
  comment: string | null;
  createdAt: Date;
  confirmedAt: Date | null;
  withdrawnAt: Date | null;
}

const DONOR_SELECT = `
  SELECT s.id, c.slug AS campaign_slug, c.title AS campaign_title, a.slug AS action_slug,
         a.title AS action_title, s.status, s.public, s.display_name, s.country, s.comment,
         s.created_at, s.confirmed_at, s.withdrawn_at
    FROM signatures s
    JOIN actions a ON a.id = s.action_id
    JOIN campaigns c ON c.id = a.campaign_id`;

function donorSignature(r: Record<string, unknown>): DonorSignature {
  return {
    id: r.id as string,
    campaignSlug: r.campaign_slug as string,
    campaignTitle: r.campaign_title as string,
    actionSlug: r.action_slug as string,
    actionTitle: r.action_title as string,
    status: r.status as SignatureStatus,
    public: r.public as boolean,
    displayName: (r.display_name as string | null) ?? null,
    country: r.country as string,
    comment: (r.comment as string | null) ?? null,
    createdAt: r.created_at as Date,
    confirmedAt: (r.confirmed_at as Date | null) ?? null,
    withdrawnAt: (r.withdrawn_at as Date | null) ?? null,
  };
}

/** Signatures and their confirmation tokens. */
@Injectable()
export class SignaturesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** A new pending signature; null when this email already has one on the action. */
  async insertPending(em: EntityManager, s: NewSignature): Promise<string | null> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO signatures (action_id, letter_version, email, email_digest, name, country,
                               comment, public, display_name, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending')
       ON CONFLICT (action_id, email_digest) DO NOTHING RETURNING id`,
      [
        s.actionId,
        s.letterVersion,
        s.email,
        s.emailDigest,
        s.name,
        s.country,
        s.comment,
        s.public,
        s.displayName,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /** The email's signature on the action, locked for the caller's transaction. */
  async lockByDigest(
    em: EntityManager,
    actionId: string,
    emailDigest: string,
  ): Promise<KnownSignature | null> {
    const rows: Record<string, unknown>[] = await em.query(
      `SELECT id, status, coalesce(last_mailed_at > now() - interval '1 day', false) AS mailed_today,
              email, name, country, comment, public, display_name
         FROM signatures WHERE action_id = $1 AND email_digest = $2 FOR UPDATE`,
      [actionId, emailDigest],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id as string,
      status: r.status as SignatureStatus,
      mailedToday: r.mailed_today as boolean,
      email: (r.email as string | null) ?? null,
      name: r.name as string,
      country: r.country as string,
      comment: (r.comment as string | null) ?? null,
      public: r.public as boolean,
      displayName: (r.display_name as string | null) ?? null,
    };
  }

  /**
   * A pending signature signed again with another submission: it now holds that one, which
   * its fresh link will confirm.
   */
  /**
   * A withdrawn signature signed again: pending once more, with this submission and address,
   * until its new link is used (confirming counts it again; it is never delivered twice).
   */
  async reopenWithdrawn(em: EntityManager, id: string, email: string, s: Submission) {
    await em.query(
      `UPDATE signatures SET status = 'pending', email = $2, withdrawn_at = NULL, confirmed_at = NULL,
              name = $3, country = $4, comment = $5, public = $6, display_name = $7
        WHERE id = $1 AND status = 'withdrawn'`,
      [id, email, s.name, s.country, s.comment, s.public, s.displayName],
    );
  }

  async resubmit(em: EntityManager, id: string, s: Submission): Promise<void> {
    await em.query(
      `UPDATE signatures SET name = $2, country = $3, comment = $4, public = $5, display_name = $6
        WHERE id = $1 AND status = 'pending'`,
      [id, s.name, s.country, s.comment, s.public, s.displayName],
    );
  }

  /**
   * A new confirmation token for the signature and the submission it is mailed for, valid
   * `ttlSeconds` by the database's clock; its older unused tokens are voided (keeping no text of
   * their submissions), and the signature's last mailing is now.
   */
  async newToken(
    em: EntityManager,
    signatureId: string,
    tokenHash: Buffer,
    ttlSeconds: number,
    s: Submission,
  ): Promise<string> {
    await em.query(
      `UPDATE signature_tokens SET used_at = now(), name = '', comment = NULL, display_name = NULL
        WHERE signature_id = $1 AND used_at IS NULL`,
      [signatureId],
    );
    const rows: { id: string }[] = await em.query(
      `INSERT INTO signature_tokens (signature_id, token_hash, expires_at, name, country, comment,
                                     public, display_name)
       VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5, $6, $7, $8) RETURNING id`,
      [signatureId, tokenHash, ttlSeconds, s.name, s.country, s.comment, s.public, s.displayName],
    );
    await em.query(`UPDATE signatures SET last_mailed_at = now() WHERE id = $1`, [signatureId]);
    return rows[0].id;
  }

  /**
   * Uses a token (once): the pending signature it confirms, locked, with the submission the
   * token was mailed for; null when none.
   */
  async consumeToken(
    em: EntityManager,
    tokenHash: Buffer,
  ): Promise<{ id: string; actionId: string; email: string; submission: Submission } | null> {
    const rows: Record<string, unknown>[] = await em.query(
      `WITH used AS (
         UPDATE signature_tokens SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
          RETURNING signature_id, name, country, comment, public, display_name
       )
       SELECT s.id, s.action_id, s.email, u.name, u.country, u.comment, u.public, u.display_name
         FROM signatures s JOIN used u ON u.signature_id = s.id
        WHERE s.status = 'pending' AND s.email IS NOT NULL
        FOR UPDATE OF s`,
      [tokenHash],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id as string,
      actionId: r.action_id as string,
      email: r.email as string,
      submission: {
        name: r.name as string,
        country: r.country as string,
        comment: (r.comment as string | null) ?? null,
        public: r.public as boolean,
        displayName: (r.display_name as string | null) ?? null,
      },
    };
  }

  /**
   * Confirmed with the submission its link was mailed for: the signer is the donor, and the
   * email leaves the signature; its tokens (and the submissions they carried) are deleted, a
   * used link answering as any unknown one. Returns the ids those tokens had (their emails
   * have done their work).
   */
  async confirm(em: EntityManager, id: string, donorId: string, s: Submission): Promise<string[]> {
    // Milliseconds, as a JavaScript date holds them: the signers' cursor finds the row exactly.
    await em.query(
      `UPDATE signatures SET status = 'confirmed', donor_id = $2, email = NULL,
              confirmed_at = date_trunc('milliseconds', now()),
              name = $3, country = $4, comment = $5, public = $6, display_name = $7
        WHERE id = $1`,
      [id, donorId, s.name, s.country, s.comment, s.public, s.displayName],
    );
    const [tokens]: [{ id: string }[], number] = await em.query(
      `DELETE FROM signature_tokens WHERE signature_id = $1 RETURNING id`,
      [id],
    );
    return tokens.map((t) => t.id);
  }

  /** Whether any signature (pending, confirmed or withdrawn) endorses this letter version. */
  async anyOnVersion(em: EntityManager, actionId: string, version: number): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM signatures WHERE action_id = $1 AND letter_version = $2 LIMIT 1`,
      [actionId, version],
    );
    return rows.length > 0;
  }

  /** Confirmed signers who chose to be public, newest first, after `before`. */
  async publicSigners(actionId: string, limit: number, before?: SignerCursor): Promise<Signer[]> {
    const rows: { id: string; display_name: string; country: string; confirmed_at: Date }[] =
      await this.dataSource.query(
        `SELECT id, coalesce(nullif(btrim(display_name), ''), name) AS display_name, country, confirmed_at
           FROM signatures
          WHERE action_id = $1 AND status = 'confirmed' AND public
            AND ($2::timestamptz IS NULL OR (confirmed_at, id) < ($2::timestamptz, $3::uuid))
          ORDER BY confirmed_at DESC, id DESC
          LIMIT $4`,
        [actionId, before?.confirmedAt ?? null, before?.id ?? null, limit],
      );
    return rows.map((r) => ({
      id: r.id,
      displayName: r.display_name,
      country: r.country,
      confirmedAt: r.confirmed_at,
    }));
  }

  /** The donor's confirmed and withdrawn signatures, newest first. */
  async listForDonor(donorId: string): Promise<DonorSignature[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `${DONOR_SELECT} WHERE s.donor_id = $1 AND s.status <> 'pending'
        ORDER BY s.confirmed_at DESC NULLS LAST, s.id DESC`,
      [donorId],
    );
    return rows.map(donorSignature);
  }

  async findForDonor(donorId: string, id: string): Promise<DonorSignature | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `${DONOR_SELECT} WHERE s.donor_id = $1 AND s.id = $2 AND s.status <> 'pending'`,
      [donorId, id],
    );
    return rows[0] ? donorSignature(rows[0]) : null;
  }

  /**
   * Withdraws the donor's confirmed signature; its action's id when it was confirmed until now.
   * It keeps no comment or display name; its name and country only when a delivery already
   * carried it (the record of what the target was sent), else the name is emptied.
   */
  async withdraw(donorId: string, id: string): Promise<string | null> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [{ action_id: string }[], number] = await this.dataSource.query(
      `UPDATE signatures s SET status = 'withdrawn', withdrawn_at = now(), comment = NULL,
              display_name = NULL,
              name = CASE WHEN EXISTS (SELECT 1 FROM action_delivery_signatures x
                                        WHERE x.signature_id = s.id)
                          THEN s.name ELSE '' END
        WHERE s.id = $1 AND s.donor_id = $2 AND s.status = 'confirmed' RETURNING s.action_id`,
      [id, donorId],
    );
    return rows[0]?.action_id ?? null;
  }

  /**
   * Donor erasure, in the caller's transaction: the donor's signatures, and the pending ones of
   * their address (by its digest), are deleted (their tokens with them). Returns how many.
   */
  async deleteForDonor(
    em: EntityManager,
    donorId: string,
    emailDigest: string | null,
  ): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected]: [unknown, number] = await em.query(
      `DELETE FROM signatures
        WHERE donor_id = $1 OR (status = 'pending' AND $2::text IS NOT NULL AND email_digest = $2)`,
      [donorId, emailDigest],
    );
    return affected;
  }

  /** The donor's signatures for their export: everything held, pending ones excepted. */
  async exportForDonor(donorId: string) {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT s.id, c.slug AS campaign_slug, a.slug AS action_slug, a.title AS action_title,
              s.letter_version, s.name, s.country, s.comment, s.public, s.display_name, s.status,
              s.created_at, s.confirmed_at, s.withdrawn_at
         FROM signatures s
         JOIN actions a ON a.id = s.action_id
         JOIN campaigns c ON c.id = a.campaign_id
        WHERE s.donor_id = $1
        ORDER BY s.created_at, s.id`,
      [donorId],
    );
    return rows.map((r) => ({
      id: r.id as string,
      campaignSlug: r.campaign_slug as string,
      actionSlug: r.action_slug as string,
      actionTitle: r.action_title as string,
      letterVersion: r.letter_version as number,
      name: r.name as string,
      country: r.country as string,
      comment: (r.comment as string | null) ?? null,
      public: r.public as boolean,
      displayName: (r.display_name as string | null) ?? null,
      status: r.status as SignatureStatus,
      signedAt: (r.created_at as Date).toISOString(),
      confirmedAt: (r.confirmed_at as Date | null)?.toISOString() ?? null,
      withdrawnAt: (r.withdrawn_at as Date | null)?.toISOString() ?? null,
    }));
  }

  /**
   * Deletes pending signatures whose last confirmation link was mailed over `hours` ago (its
   * link has expired): an address nobody confirmed is not kept. Returns how many. (A link is
   * mailed after its signature is created: the created_at bound only lets the index narrow.)
   */
  async purgeUnconfirmed(hours: number, limit: number): Promise<number> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM signatures WHERE id IN (
         SELECT id FROM signatures
          WHERE status = 'pending' AND created_at < now() - make_interval(hours => $1)
            AND coalesce(last_mailed_at, created_at) < now() - make_interval(hours => $1)
          LIMIT $2)`,
      [hours, limit],
    );
    return affected;
  }

  /** Confirmed signatures per action that has any, for the gauge. */
  async confirmedCounts(): Promise<{ actionId: string; count: number }[]> {
    const rows: { action_id: string; n: number }[] = await this.dataSource.query(
      `SELECT a.id AS action_id, count(s.id)::int AS n
         FROM actions a LEFT JOIN signatures s ON s.action_id = a.id AND s.status = 'confirmed'
        WHERE a.status <> 'draft'
        GROUP BY a.id`,
    );
    return rows.map((r) => ({ actionId: r.action_id, count: r.n }));
  }
}
