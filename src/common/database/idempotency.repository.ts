import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface StoredIdempotencyKey {
  requestHash: string;
  resourceId: string;
}

@Injectable()
export class IdempotencyRepository {
  /**
   * Claims a key for a new resource in the caller's transaction. Returns null when the key
   * was free (now taken), or the earlier claim when it was not.
   */
  async claim(
    em: EntityManager,
    scope: string,
    key: string,
    requestHash: string,
    resourceId: string,
  ): Promise<StoredIdempotencyKey | null> {
    const inserted: unknown[] = await em.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, resource_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, requestHash, resourceId],
    );
    if (inserted.length) return null;
    return this.find(em, scope, key);
  }

  async find(em: EntityManager, scope: string, key: string): Promise<StoredIdempotencyKey | null> {
    const rows: { request_hash: string; resource_id: string }[] = await em.query(
      `SELECT request_hash, resource_id FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    return rows[0] ? { requestHash: rows[0].request_hash, resourceId: rows[0].resource_id } : null;
  }
}
