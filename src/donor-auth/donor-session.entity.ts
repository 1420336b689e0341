import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Donor } from '../donors/donor.entity';

/** A signed-in donor's session. Only the SHA-256 of its bearer token is stored. */
@Entity('donor_sessions')
@Index('donor_sessions_donor', ['donorId'])
export class DonorSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'donor_id' })
  donorId: string;

  @ManyToOne(() => Donor, { nullable: false })
  @JoinColumn({ name: 'donor_id' })
  donor?: Donor;

  @Column('bytea', { name: 'token_hash', unique: true })
  tokenHash: Buffer;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
