import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A client's `Idempotency-Key` for a create request: the same key and body give the same
 * answer (the resource it created); another body under the same key is a conflict.
 */
@Entity('idempotency_keys')
export class IdempotencyKey {
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
}
