import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Donor } from '../donors/donor.entity';
import { Action } from './action.entity';

export const SIGNATURE_STATUSES = ['pending', 'confirmed', 'withdrawn'] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

/**
 * One person's signature of an action. Pending until its emailed link is followed; the email is
 * kept only while pending (confirmation moves the person to a donors row and clears it), and an
 * unconfirmed signature is purged after 48 hours. `email_digest` (a keyed HMAC of the mailbox)
 * makes one signature per email per action without keeping the address.
 */
@Entity('signatures')
@Check('signatures_status_check', `status IN ('pending', 'confirmed', 'withdrawn')`)
@Check('signatures_country_check', `country ~ '^[A-Z]{2}$'`)
@Index('signatures_action_email', ['actionId', 'emailDigest'], { unique: true })
@Index('signatures_action_confirmed', ['actionId', 'confirmedAt', 'id'], {
  where: `status = 'confirmed'`,
})
@Index('signatures_donor', ['donorId'])
@Index('signatures_pending', ['createdAt'], { where: `status = 'pending'` })
export class Signature {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'action_id' })
  actionId: string;

  @ManyToOne(() => Action, { nullable: false })
  @JoinColumn({ name: 'action_id' })
  action?: Action;

  /** The letter version the signer saw and endorsed. */
  @Column('integer', { name: 'letter_version' })
  letterVersion: number;

  /** Set on confirmation: the donors row of that email, the same one a gift would use. */
  @Column('uuid', { name: 'donor_id', nullable: true })
  donorId: string | null;

  @ManyToOne(() => Donor, { nullable: true })
  @JoinColumn({ name: 'donor_id' })
  donor?: Donor;

  /** Only while pending; cleared on confirmation. */
  @Column('text', { nullable: true })
  email: string | null;

  /** Keyed digest of the mailbox, base64url: one signature per email per action. */
  @Column('text', { name: 'email_digest' })
  emailDigest: string;

  @Column('text')
  name: string;

  @Column('char', { length: 2 })
  country: string;

  @Column('varchar', { length: 500, nullable: true })
  comment: string | null;

  /** Whether the signer asked to be shown on the public signers list. */
  @Column('boolean', { default: false })
  public: boolean;

  @Column('text', { name: 'display_name', nullable: true })
  displayName: string | null;

  @Column('text', { default: 'pending' })
  status: SignatureStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'confirmed_at', nullable: true })
  confirmedAt: Date | null;

  @Column('timestamptz', { name: 'withdrawn_at', nullable: true })
  withdrawnAt: Date | null;

  /** When a confirmation link was last mailed: a repeat within a day sends none. */
  @Column('timestamptz', { name: 'last_mailed_at', nullable: true })
  lastMailedAt: Date | null;
}
