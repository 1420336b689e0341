import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A job that exhausted its retries: what staff look at and replay from. */
@Entity('job_failures')
@Index(['queue', 'jobId'], { unique: true })
export class JobFailure {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  queue: string;

  @Column('text', { name: 'job_name' })
  jobName: string;

  @Column('text', { name: 'job_id' })
  jobId: string;

  /** Ids only: job payloads never carry personal data. */
  @Column('jsonb')
  payload: Record<string, unknown>;

  @Column('integer')
  attempts: number;

  @Column('text')
  error: string;

  @CreateDateColumn({ name: 'failed_at', type: 'timestamptz' })
  failedAt: Date;
}
