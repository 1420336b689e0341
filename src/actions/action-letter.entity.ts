import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Action } from './action.entity';

/**
 * One version of an action's letter. Frozen once a signature endorses it: a later edit makes
 * the next version.
 */
@Entity('action_letters')
export class ActionLetter {
  @PrimaryColumn('uuid', { name: 'action_id' })
  actionId: string;

  @ManyToOne(() => Action, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'action_id' })
  action?: Action;

  @PrimaryColumn('integer')
  version: number;

  @Column('text')
  subject: string;

  @Column('text')
  body: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
