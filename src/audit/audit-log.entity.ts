import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** What an audit row may hold: ids, statuses, redacted request fields. Never personal data. */
export type AuditJson = Record<string, unknown>;

/**
 * One staff action (a non-GET request by a staff key, or a state-changing CLI command). The row
 * is written before the action runs and completed with its outcome, so no action goes
 * unrecorded; a trigger keeps it append-only (only a row's pending outcome may be filled in).
 */
@Entity('audit_log')
@Index('audit_log_occurred', ['occurredAt', 'id'])
@Index('audit_log_key', ['staffKeyId', 'occurredAt'])
@Index('audit_log_action', ['action', 'occurredAt'])
export class AuditLog {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** The API key's id; null for CLI operators, who have none. */
  @Column('uuid', { name: 'staff_key_id', nullable: true })
  staffKeyId: string | null;

  /** The key's name when the action happened (`cli` for operator commands). */
  @Column('text', { name: 'staff_key_name' })
  staffKeyName: string;

  /** The key's role; null for CLI operators. */
  @Column('text', { nullable: true })
  role: string | null;

  /** Method and route pattern, `PATCH /v1/admin/campaigns/:slug`, or `cli reconcile --fix`. */
  @Column('text')
  action: string;

  /** The route parameters: which object was acted on. */
  @Column('jsonb', { default: {} })
  target: AuditJson;

  /** The request body, with secrets and personal data redacted. */
  @Column('jsonb', { nullable: true })
  request: AuditJson | null;

  /** The response's id and status fields, or the error message. */
  @Column('jsonb', { nullable: true })
  response: AuditJson | null;

  /** The outcome; null while the action runs (or if the process died before it answered). */
  @Column('integer', { name: 'status_code', nullable: true })
  statusCode: number | null;

  @Column('timestamptz', { name: 'occurred_at', default: () => 'now()' })
  occurredAt: Date;
}
