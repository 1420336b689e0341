import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
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

/**
 * A client's `Idempotency-Key` for a create request: the same key and body give the same
 * resource; the same key with another body is a conflict.
 */
@Injectable()
export class IdempotencyRepository {
  /**
   * Claims `key` for `resourceId` in the caller's transaction. Returns null when the key was
   * free (now taken), or when the request has no key: create the resource. Returns the earlier
   * resource's id when the same request came before. Throws 409 when the key came before with
   * another body.
   */
  async claim(
    em: EntityManager,
    scope: string,
    key: string | undefined,
    request: unknown,
    resourceId: string,
  ): Promise<string | null> {
    if (key === undefined) return null;
    const hash = requestHash(request);
    const inserted: unknown[] = await em.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, resource_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, hash, resourceId],
    );
    if (inserted.length) return null;
    const rows: { request_hash: string; resource_id: string }[] = await em.query(
      `SELECT request_hash, resource_id FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    if (rows[0].request_hash !== hash) {
      throw new DomainError(
        'idempotency_conflict',
        'Idempotency-Key was already used with a different request body',
      );
    }
    return rows[0].resource_id;
  }
}
