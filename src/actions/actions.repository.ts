import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ActionStatus } from './action.entity';

/** An action with its campaign's slug, its current letter and its counts: what views show. */
export interface ActionRecord {
  id: string;
  campaignId: string;
  campaignSlug: string;
  campaignStatus: string;
  slug: string;
  title: string;
  description: string;
  targetName: string;
  targetEmail: string;
  goal: number;
  status: ActionStatus;
  deliveryCron: string | null;
  letterVersion: number;
  letterSubject: string;
  letterBody: string;
  signatures: number;
  pendingSignatures: number;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export interface NewAction {
  campaignId: string;
  slug: string;
  title: string;
  description: string;
  targetName: string;
  targetEmail: string;
  goal: number;
  status: ActionStatus;
  deliveryCron: string | null;
  letterSubject: string;
  letterBody: string;
}

/** The columns staff may change on an action row (the letter has its own methods). */
export type ActionChanges = Partial<
  Pick<
    NewAction,
    'title' | 'description' | 'targetName' | 'targetEmail' | 'goal' | 'status' | 'deliveryCron'
  >
>;

const COLUMNS: Record<keyof ActionChanges, string> = {
  title: 'title',
  description: 'description',
  targetName: 'target_name',
  targetEmail: 'target_email',
  goal: 'goal',
  status: 'status',
  deliveryCron: 'delivery_cron',
};

const SELECT = `
  SELECT a.id, a.campaign_id, c.slug AS campaign_slug, c.status AS campaign_status, a.slug,
         a.title, a.description, a.target_name, a.target_email, a.goal, a.status,
         a.delivery_cron, a.letter_version, l.subject AS letter_subject, l.body AS letter_body,
         (SELECT count(*)::int FROM signatures s WHERE s.action_id = a.id AND s.status = 'confirmed') AS signatures,
         (SELECT count(*)::int FROM signatures s WHERE s.action_id = a.id AND s.status = 'pending') AS pending_signatures,
         a.created_at, a.updated_at, a.closed_at
    FROM actions a
    JOIN campaigns c ON c.id = a.campaign_id
    JOIN action_letters l ON l.action_id = a.id AND l.version = a.letter_version`;

function record(r: Record<string, unknown>): ActionRecord {
  return {
    id: r.id as string,
    campaignId: r.campaign_id as string,
    campaignSlug: r.campaign_slug as string,
    campaignStatus: r.campaign_status as string,
    slug: r.slug as string,
    title: r.title as string,
    description: r.description as string,
    targetName: r.target_name as string,
    targetEmail: r.target_email as string,
    goal: r.goal as number,
    status: r.status as ActionStatus,
    deliveryCron: (r.delivery_cron as string | null) ?? null,
    letterVersion: r.letter_version as number,
    letterSubject: r.letter_subject as string,
    letterBody: r.letter_body as string,
    signatures: r.signatures as number,
    pendingSignatures: r.pending_signatures as number,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    closedAt: (r.closed_at as Date | null) ?? null,
  };
}

const PG_UNIQUE_VIOLATION = '23505';

export class ActionSlugTakenError extends Error {}

/** Actions and their letter versions. */
@Injectable()
export class ActionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The action and its first letter version; ActionSlugTakenError when the campaign has the slug. */
  async create(action: NewAction): Promise<string> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const rows: { id: string }[] = await em.query(
          `INSERT INTO actions (campaign_id, slug, title, description, target_name, target_email,
                                goal, status, delivery_cron, letter_version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) RETURNING id`,
          [
            action.campaignId,
            action.slug,
            action.title,
            action.description,
            action.targetName,
            action.targetEmail,
            action.goal,
            action.status,
            action.deliveryCron,
          ],
        );
        await em.query(
          `INSERT INTO action_letters (action_id, version, subject, body) VALUES ($1, 1, $2, $3)`,
          [rows[0].id, action.letterSubject, action.letterBody],
        );
        return rows[0].id;
      });
    } catch (error) {
      if ((error as { code?: string }).code === PG_UNIQUE_VIOLATION)
        throw new ActionSlugTakenError();
      throw error;
    }
  }

  async findById(id: string, em: EntityManager = this.dataSource.manager) {
    const rows: Record<string, unknown>[] = await em.query(`${SELECT} WHERE a.id = $1`, [id]);
    return rows[0] ? record(rows[0]) : null;
  }

  async listByCampaign(campaignId: string): Promise<ActionRecord[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `${SELECT} WHERE a.campaign_id = $1 ORDER BY a.created_at, a.id`,
      [campaignId],
    );
    return rows.map(record);
  }

  /** The campaign's actions the public may see (active and closed) of a public campaign. */
  async listPublic(campaignSlug: string): Promise<ActionRecord[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `${SELECT} WHERE c.slug = $1 AND c.status <> 'draft' AND a.status <> 'draft'
        ORDER BY a.created_at, a.id`,
      [campaignSlug],
    );
    return rows.map(record);
  }

  async findBySlugs(campaignSlug: string, actionSlug: string): Promise<ActionRecord | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `${SELECT} WHERE c.slug = $1 AND a.slug = $2`,
      [campaignSlug, actionSlug],
    );
    return rows[0] ? record(rows[0]) : null;
  }

  /** Locks the action row for the caller's transaction: letter edits and signing take turns. */
  async lock(
    em: EntityManager,
    id: string,
    mode: 'update' | 'share',
  ): Promise<{ status: ActionStatus; letterVersion: number } | null> {
    const rows: { status: ActionStatus; letter_version: number }[] = await em.query(
      `SELECT status, letter_version FROM actions WHERE id = $1 FOR ${mode === 'update' ? 'UPDATE' : 'SHARE'}`,
      [id],
    );
    return rows[0] ? { status: rows[0].status, letterVersion: rows[0].letter_version } : null;
  }

  async update(em: EntityManager, id: string, changes: ActionChanges): Promise<void> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    const sets = entries.map(([k], i) => `${COLUMNS[k as keyof ActionChanges]} = $${i + 2}`);
    await em.query(
      `UPDATE actions SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1`,
      [id, ...entries.map(([, v]) => v)],
    );
  }

  /** Rewrites the current letter version (no signature endorses it yet). */
  async rewriteLetter(
    em: EntityManager,
    id: string,
    version: number,
    letter: { subject: string; body: string },
  ): Promise<void> {
    await em.query(
      `UPDATE action_letters SET subject = $3, body = $4 WHERE action_id = $1 AND version = $2`,
      [id, version, letter.subject, letter.body],
    );
    await em.query(`UPDATE actions SET updated_at = now() WHERE id = $1`, [id]);
  }

  /** Adds the next letter version and makes it the current one. */
  async addLetterVersion(
    em: EntityManager,
    id: string,
    version: number,
    letter: { subject: string; body: string },
  ): Promise<void> {
    await em.query(
      `INSERT INTO action_letters (action_id, version, subject, body) VALUES ($1, $2, $3, $4)`,
      [id, version, letter.subject, letter.body],
    );
    await em.query(`UPDATE actions SET letter_version = $2, updated_at = now() WHERE id = $1`, [
      id,
      version,
    ]);
  }

  /** Closes the action (once: a closed one keeps its first closed_at). */
  async close(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE actions SET status = 'closed', closed_at = now(), updated_at = now()
        WHERE id = $1 AND status <> 'closed'`,
      [id],
    );
  }
}
