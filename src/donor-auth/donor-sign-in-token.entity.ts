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

/**
 * A single-use sign-in link sent by email. Only the SHA-256 of the token is stored; the token
 * itself exists in the email (whose body is purged once sent) and nowhere else.
 */
@Entity('donor_sign_in_tokens')
@Index('donor_sign_in_tokens_donor', ['donorId'])
export class DonorSignInToken {
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

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
