import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const STAFF_ROLES = ['admin', 'finance'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  role: StaffRole;

  /** Public part of the key, shown in listings and used to find the row. */
  @Column('text', { name: 'lookup_id', unique: true })
  lookupId: string;

  /** SHA-256 of the secret part; the key itself is shown once and never stored. */
  @Column('bytea', { name: 'secret_hash' })
  secretHash: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
