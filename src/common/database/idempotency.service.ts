import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../errors/domain-error';

/** Stable hash of a request body: same fields and values in any key order → same hash. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

/** How long a key binds its request, as at Stripe: 24 hours. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

/**
 * How long a claimed key is kept: `window` forgets it after 24 hours (a later request under it
 * is new); `resource` keeps the key → resource mapping while the resource exists, so that a
 * late retry of the same request (same body) still finds it, while another body may reuse the
 * key once the 24 hours are over.
 */
export type IdempotencyRetention = 'window' | 'resource';

/**
 * A client's `Idempotency-Key` for a create request, scoped to its route (`scope`): the same
 * key and body give the same resource; the same key with another body is a conflict for 24
 * hours.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims `key` on `scope` for `resourceId` in the caller's transaction. Returns null when the
   * key was free (now taken), forgotten, or when the request has no key: create the resource.
   * Returns the earlier resource's id when the same request came before. Throws 409 when the
   * key came within 24 hours with another body.
   */
  async claim(
    em: EntityManager,
    scope: string,
    key: string | undefined,
    request: unknown,
    resourceId: string,
    retention: IdempotencyRetention = 'window',
  ): Promise<string | null> {
    if (key === undefined) return null;
    const hash = requestHash(request);
    const window = `${IDEMPOTENCY_WINDOW_HOURS} hours`;
    const expiresAt = retention === 'window' ? `now() + interval '${window}'` : 'NULL';
    const inserted: unknown[] = await em.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, resource_id, expires_at)
       VALUES ($1, $2, $3, $4, ${expiresAt})
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, hash, resourceId],
    );
    if (inserted.length) return null;
    // A forgotten key, or another request under a key whose 24 hours are over: a new request.
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [reused]: [unknown[], number] = await em.query(
      `UPDATE idempotency_keys
       SET request_hash = $3, resource_id = $4, created_at = now(), expires_at = ${expiresAt}
       WHERE scope = $1 AND key = $2
         AND (expires_at <= now()
              OR (created_at <= now() - interval '${window}' AND request_hash <> $3))
       RETURNING key`,
      [scope, key, hash, resourceId],
    );
    if (reused.length) return null;
    const rows: { request_hash: string; resource_id: string }[] = await em.query(
      `SELECT request_hash, resource_id FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    if (!rows.length)
      throw new DomainError('conflict', 'Idempotency-Key was just released: try again');
    if (rows[0].request_hash !== hash) {
      throw new DomainError(
        'idempotency_conflict',
        'Idempotency-Key was already used with a different request body',
      );
    }
    return rows[0].resource_id;
  }

  /** Deletes the keys whose 24 hours are over; answers how many. */
  async pruneExpired(): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE expires_at <= now()`,
    );
    return result[1];
  }

  /**
   * Forgets the keys that created these resources, in the caller's transaction (donor
   * erasure): of no use once the retry window is over, and their hash was made from the
   * donor's details.
   */
  async forgetResources(em: EntityManager, resourceIds: string[]): Promise<void> {
    if (!resourceIds.length) return;
    await em.query(`DELETE FROM idempotency_keys WHERE resource_id = ANY($1::uuid[])`, [
      resourceIds,
    ]);
  }
}
