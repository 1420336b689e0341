import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { toSafeInteger } from '../common/database/bigint.transformer';
import { Campaign, CloseReason } from './campaign.entity';

export type NewCampaign = Pick<
  Campaign,
  'slug' | 'title' | 'description' | 'goalAmount' | 'goalCurrency' | 'currencies' | 'status'
> &
  Partial<
    Pick<
      Campaign,
      | 'minAmount'
      | 'maxAmount'
      | 'limits'
      | 'suggestedAmounts'
      | 'hideAmounts'
      | 'startsAt'
      | 'endsAt'
      | 'stretchGoals'
      | 'closeAtGoal'
    >
  >;

export interface Supporter {
  donationId: string;
  displayName: string | null;
  message: string | null;
  amount: number;
  currency: string;
  at: Date;
  /** When the donation was made: orders gifts that Stripe dates to the same second. */
  createdAt: Date;
}

/** An active action of a campaign, as the campaign's public view lists it. */
export interface CampaignAction {
  slug: string;
  title: string;
  goal: number;
  signatures: number;
}

export interface SupporterCursor {
  at: Date;
  createdAt: Date;
  id: string;
}

const PG_UNIQUE_VIOLATION = '23505';

export class SlugTakenError extends Error {}

@Injectable()
export class CampaignsRepository {
  constructor(@InjectRepository(Campaign) private readonly repo: Repository<Campaign>) {}

  /**
   * Inserts a campaign, and runs `alongside` in the same transaction (the ledger opens its
   * progress row); SlugTakenError when the slug exists.
   */
  async create(
    campaign: NewCampaign,
    alongside: (em: EntityManager, campaignId: string) => Promise<void>,
  ): Promise<Campaign> {
    return this.repo.manager.transaction(async (em) => {
      try {
        const saved = await em.save(Campaign, em.create(Campaign, campaign));
        await alongside(em, saved.id);
        return saved;
      } catch (error) {
        if ((error as { code?: string }).code === PG_UNIQUE_VIOLATION) throw new SlugTakenError();
        throw error;
      }
    });
  }

  /** Inserts the campaigns whose slug is not taken yet; returns the slugs inserted. */
  async insertMissing(
    campaigns: NewCampaign[],
    alongside: (em: EntityManager, campaignId: string) => Promise<void>,
  ): Promise<string[]> {
    const inserted: string[] = [];
    for (const campaign of campaigns) {
      if (await this.findBySlug(campaign.slug)) continue;
      try {
        inserted.push((await this.create(campaign, alongside)).slug);
      } catch (error) {
        if (!(error instanceof SlugTakenError)) throw error;
      }
    }
    return inserted;
  }

  async update(campaign: Campaign, changes: Partial<Campaign>): Promise<Campaign> {
    const merged = this.repo.merge(campaign, changes);
    // A JSON column is replaced, never merged key by key with what was stored.
    if ('limits' in changes) merged.limits = changes.limits ?? null;
    if ('suggestedAmounts' in changes) merged.suggestedAmounts = changes.suggestedAmounts ?? null;
    if ('stretchGoals' in changes) merged.stretchGoals = changes.stretchGoals ?? [];
    return this.repo.save(merged);
  }

  /**
   * Closes the campaign in the caller's transaction, when it is not closed yet (false: it was,
   * by an earlier or concurrent close, which the row lock makes this one wait for).
   */
  async close(
    em: EntityManager,
    id: string,
    close: { reason: CloseReason; successorId: string | null; message: string | null },
  ): Promise<boolean> {
    const [, count]: [unknown, number] = await em.query(
      `UPDATE campaigns SET status = 'closed', closed_at = now(), close_reason = $2,
              successor_campaign_id = $3, close_message = $4, updated_at = now()
        WHERE id = $1 AND status <> 'closed'`,
      [id, close.reason, close.successorId, close.message],
    );
    return count > 0;
  }

  /**
   * The campaigns' statuses, their rows share-locked for the caller's transaction: a closing
   * (which updates the row) waits for it, or it for the closing.
   */
  async lockStatuses(em: EntityManager, ids: string[]): Promise<Map<string, string>> {
    const rows: { id: string; status: string }[] = await em.query(
      `SELECT id, status FROM campaigns WHERE id = ANY($1) ORDER BY id FOR SHARE`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /** Active campaigns whose `endsAt` has come, oldest end first. */
  endedButOpen(now: Date, limit: number): Promise<Campaign[]> {
    return this.repo
      .createQueryBuilder('c')
      .where(`c.status = 'active' AND c.ends_at <= :now`, { now })
      .orderBy('c.ends_at')
      .limit(limit)
      .getMany();
  }

  /** Active campaigns that close once their final goal is reached (of `ids`, when given). */
  activeClosingAtGoal(limit: number, ids?: string[]): Promise<Campaign[]> {
    const qb = this.repo
      .createQueryBuilder('c')
      .where(`c.status = 'active' AND c.close_at_goal`)
      .orderBy('c.created_at')
      .limit(limit);
    if (ids) qb.andWhere('c.id IN (:...ids)', { ids });
    return qb.getMany();
  }

  /** Records the campaign's Stripe Product; the first one recorded wins a race. Returns it. */
  async setStripeProduct(id: string, productId: string): Promise<string> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [rows]: [{ stripe_product_id: string }[], number] = await this.repo.query(
      `UPDATE campaigns SET stripe_product_id = coalesce(stripe_product_id, $2) WHERE id = $1 RETURNING stripe_product_id`,
      [id, productId],
    );
    return rows[0].stripe_product_id;
  }

  /** Replaces a Product Stripe no longer has; answers the campaign's Product id now. */
  async replaceStripeProduct(id: string, stale: string, fresh: string): Promise<string> {
    const [rows]: [{ stripe_product_id: string }[], number] = await this.repo.query(
      `UPDATE campaigns
          SET stripe_product_id = CASE WHEN stripe_product_id = $2 THEN $3 ELSE stripe_product_id END
        WHERE id = $1 RETURNING stripe_product_id`,
      [id, stale, fresh],
    );
    return rows[0].stripe_product_id;
  }

  findBySlug(slug: string): Promise<Campaign | null> {
    return this.repo.findOne({ where: { slug } });
  }

  findByIds(ids: string[]): Promise<Campaign[]> {
    return ids.length ? this.repo.find({ where: { id: In(ids) } }) : Promise.resolve([]);
  }

  findById(id: string): Promise<Campaign | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** Campaigns the public may see (not drafts), newest first. */
  listPublic(): Promise<Campaign[]> {
    return this.repo
      .createQueryBuilder('c')
      .where(`c.status <> 'draft'`)
      .orderBy('c.created_at', 'DESC')
      .getMany();
  }

  /**
   * Succeeded, not fully refunded gifts, newest first. A gift's public name is its own: its
   * displayName, else its receipt name, and only when the gift is not anonymous. The name and
   * message of an anonymous gift or an erased donor never leave the database: the query returns
   * null for them (a message can name its writer as surely as a name: "from Fatima in Tabriz").
   */
  async recentSupporters(
    campaignSlug: string,
    limit: number,
    before?: SupporterCursor,
  ): Promise<Supporter[]> {
    const rows: Record<string, unknown>[] = await this.repo.query(
      `SELECT d.id, d.succeeded_at, d.created_at, d.received_amount, d.received_currency,
              CASE WHEN d.anonymous OR dn.erased_at IS NOT NULL THEN NULL ELSE d.message END AS message,
              CASE WHEN d.anonymous OR dn.erased_at IS NOT NULL THEN NULL
                   ELSE coalesce(nullif(btrim(d.display_name), ''), d.donor_name) END AS display_name
         FROM donations d
         LEFT JOIN donors dn ON dn.id = d.donor_id
        WHERE d.campaign_id = (SELECT id FROM campaigns WHERE slug = $1) AND d.status = 'succeeded'
          AND d.refunded_amount < d.received_amount
          AND ($2::timestamptz IS NULL OR (d.succeeded_at, d.created_at, d.id) < ($2::timestamptz, $3::timestamptz, $4::uuid))
        ORDER BY d.succeeded_at DESC, d.created_at DESC, d.id DESC
        LIMIT $5`,
      [campaignSlug, before?.at ?? null, before?.createdAt ?? null, before?.id ?? null, limit],
    );
    return rows.map((r) => ({
      donationId: r.id as string,
      displayName: (r.display_name as string | null) ?? null,
      message: (r.message as string | null) ?? null,
      amount: toSafeInteger(r.received_amount as string),
      currency: r.received_currency as string,
      at: r.succeeded_at as Date,
      createdAt: r.created_at as Date,
    }));
  }

  /**
   * The active actions of these campaigns, oldest first, with their confirmed signatures. A
   * read of the actions module's tables (which imports this one, so cannot be asked).
   */
  async activeActions(campaignIds: string[]): Promise<Map<string, CampaignAction[]>> {
    const byCampaign = new Map<string, CampaignAction[]>();
    if (!campaignIds.length) return byCampaign;
    const rows: { campaign_id: string; slug: string; title: string; goal: number; n: number }[] =
      await this.repo.query(
        `SELECT a.campaign_id, a.slug, a.title, a.goal,
                (SELECT count(*)::int FROM signatures s WHERE s.action_id = a.id AND s.status = 'confirmed') AS n
           FROM actions a
          WHERE a.campaign_id = ANY($1::uuid[]) AND a.status = 'active'
          ORDER BY a.created_at, a.id`,
        [campaignIds],
      );
    for (const r of rows) {
      const list = byCampaign.get(r.campaign_id) ?? [];
      list.push({ slug: r.slug, title: r.title, goal: r.goal, signatures: r.n });
      byCampaign.set(r.campaign_id, list);
    }
    return byCampaign;
  }
}
