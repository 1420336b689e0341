import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Signature } from './signature.entity';

/**
 * A single-use confirmation link for a pending signature, valid 48 hours. Only the SHA-256 of
 * the token is stored; a fresh link voids the older ones (`used_at` set, their text emptied).
 * It carries the submission it was mailed for (name, country, comment, public, display name):
 * confirming applies those to the signature, so whoever holds the mailbox confirms what their
 * email showed them, never what someone else typed with their address. Confirming deletes
 * the signature's tokens; the rest go with their signature (unconfirmed: after 48 hours).
 */
@Entity('signature_tokens')
@Index('signature_tokens_signature', ['signatureId'])
export class SignatureToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'signature_id' })
  signatureId: string;

  @ManyToOne(() => Signature, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'signature_id' })
  signature?: Signature;

  @Column('bytea', { name: 'token_hash', unique: true })
  tokenHash: Buffer;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('text')
  name: string;

  @Column('char', { length: 2 })
  country: string;

  @Column('varchar', { length: 500, nullable: true })
  comment: string | null;

  @Column('boolean', { default: false })
  public: boolean;

  @Column('text', { name: 'display_name', nullable: true })
  displayName: string | null;

  /** Used (confirmed with) or voided by a fresher link. */
  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
