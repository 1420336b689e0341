import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A client's `Idempotency-Key` for a create request, scoped to its route: the same key and
 * body give the same answer (the resource it created); another body under the same key is a
 * conflict for 24 hours, after which the key may be reused for a new request.
 */
@Entity('idempotency_keys')
@Index('idempotency_keys_expires_at', ['expiresAt'], { where: 'expires_at IS NOT NULL' })
export class IdempotencyKey {
  /** The route, e.g. `donation:create`: the same key on two routes is two requests. */
  @PrimaryColumn('text')
  scope: string;

  @PrimaryColumn('text')
  key: string;

  /** SHA-256 of the canonical request body. */
  @Column('text', { name: 'request_hash' })
  requestHash: string;

  @Column('uuid', { name: 'resource_id' })
  resourceId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /**
   * When the key is forgotten (24 hours after its first use, as at Stripe), and its row
   * pruned. Null: kept as long as its resource (a gift) exists, so that a late retry of the
   * same request still finds the gift instead of starting another.
   */
  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt: Date | null;
}
