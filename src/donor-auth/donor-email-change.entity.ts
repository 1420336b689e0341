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
 * A signed-in donor's request to change their email, waiting for the new address to confirm it
 * by its emailed single-use link. Only the SHA-256 of the link's token is stored. At most one
 * per donor is pending: a newer request, signing out everywhere, confirming and erasure delete
 * it; confirming deletes the row it used, so a used link is simply unknown.
 */
@Entity('donor_email_changes')
@Index('donor_email_changes_donor', ['donorId'])
export class DonorEmailChange {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'donor_id' })
  donorId: string;

  @ManyToOne(() => Donor, { nullable: false })
  @JoinColumn({ name: 'donor_id' })
  donor?: Donor;

  /** The address asked for, trimmed and lower-cased (personal data: deleted with the row). */
  @Column('text', { name: 'new_email' })
  newEmail: string;

  @Column('bytea', { name: 'token_hash', unique: true })
  tokenHash: Buffer;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
