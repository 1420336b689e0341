import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { ClosureOutcome, PledgeClosure } from './pledge-closure.entity';
import { MoveActor, PledgeMove } from './pledge-move.entity';

/** The statuses of a pledge that still bills (or may again): those a campaign's closing concerns. */
export const RUNNING_STATUSES = ['active', 'paused', 'past_due'] as const;

/** A running pledge its campaign's closing just reached. */
export interface OpenedClosure {
  pledgeId: string;
  campaignId: string;
  donorId: string;
  status: string;
  amount: number;
  currency: string;
  interval: string;
  paidInstallments: number;
  currentPeriodEnd: Date | null;
}

type OpenedRow = {
  pledge_id: string;
  campaign_id: string;
  donor_id: string;
  status: string;
  amount: string;
  currency: string;
  interval: string;
  paid_installments: number;
  current_period_end: Date | null;
};

const opened = (r: OpenedRow): OpenedClosure => ({
  pledgeId: r.pledge_id,
  campaignId: r.campaign_id,
  donorId: r.donor_id,
  status: r.status,
  amount: Number(r.amount),
  currency: r.currency,
  interval: r.interval,
  paidInstallments: r.paid_installments,
  currentPeriodEnd: r.current_period_end,
});

const OPENED_COLUMNS = `p.id AS pledge_id, p.campaign_id, p.donor_id, p.status, p.amount::text AS amount,
  p.currency, p.interval, p.paid_installments, p.current_period_end`;

/** A closure whose subscription Stripe has not yet been told to end at the end of its period. */
export interface PendingEnding {
  pledgeId: string;
  campaignId: string;
}

/** Pledge moves and closures: the two tables of a pledge's campaign changing under it. */
@Injectable()
export class PledgeClosuresRepository {
  constructor(@InjectRepository(PledgeClosure) private readonly repo: Repository<PledgeClosure>) {}

  /**
   * Records a move and changes the pledge's campaign, in the caller's transaction, when the
   * pledge is still on `from` (false otherwise: another move came first).
   */
  async recordMove(
    em: EntityManager,
    move: {
      pledgeId: string;
      from: string;
      to: string;
      by: MoveActor;
      lastInvoice: { id: string; created: Date } | null;
    },
  ): Promise<boolean> {
    const [, count]: [unknown, number] = await em.query(
      `UPDATE pledges SET campaign_id = $3, updated_at = now() WHERE id = $1 AND campaign_id = $2`,
      [move.pledgeId, move.from, move.to],
    );
    if (count === 0) return false;
    await em.insert(PledgeMove, {
      pledgeId: move.pledgeId,
      fromCampaignId: move.from,
      toCampaignId: move.to,
      movedBy: move.by,
      lastInvoiceId: move.lastInvoice?.id ?? null,
      lastInvoiceCreated: move.lastInvoice?.created ?? null,
    });
    return true;
  }

  /**
   * The campaign the pledge was on when Stripe made this invoice, when it has moved since (null:
   * it has not, so its current campaign): the first move whose latest invoice was this one or
   * a later one.
   */
  async campaignBilled(
    em: EntityManager,
    pledgeId: string,
    invoice: { id: string; created: Date },
  ): Promise<string | null> {
    const rows: { from_campaign_id: string }[] = await em.query(
      `SELECT from_campaign_id FROM pledge_moves
        WHERE pledge_id = $1 AND (last_invoice_id = $2 OR last_invoice_created > $3)
        ORDER BY moved_at LIMIT 1`,
      [pledgeId, invoice.id, invoice.created],
    );
    return rows[0]?.from_campaign_id ?? null;
  }

  /**
   * Opens a closure for each running pledge of the campaign that has none, in the caller's
   * transaction; returns those opened.
   */
  async open(em: EntityManager, campaignId: string): Promise<OpenedClosure[]> {
    const rows: OpenedRow[] = await em.query(
      `WITH opened AS (
         INSERT INTO pledge_closures (pledge_id, campaign_id)
         SELECT id, campaign_id FROM pledges
          WHERE campaign_id = $1 AND status = ANY($2)
         ON CONFLICT DO NOTHING
         RETURNING pledge_id)
       SELECT ${OPENED_COLUMNS} FROM opened o JOIN pledges p ON p.id = o.pledge_id`,
      [campaignId, RUNNING_STATUSES],
    );
    return rows.map(opened);
  }

  /**
   * Opens a closure for each running pledge on a closed campaign that has none: one whose first
   * payment was made after its campaign closed (once it is counted, so that its donor can be
   * told). Reads `campaigns` for their status. Returns those opened.
   */
  async openLate(em: EntityManager): Promise<OpenedClosure[]> {
    const rows: OpenedRow[] = await em.query(
      `WITH opened AS (
         INSERT INTO pledge_closures (pledge_id, campaign_id)
         SELECT p.id, p.campaign_id FROM pledges p JOIN campaigns c ON c.id = p.campaign_id
          WHERE c.status = 'closed' AND p.status = ANY($1) AND p.paid_installments > 0
         ON CONFLICT DO NOTHING
         RETURNING pledge_id)
       SELECT ${OPENED_COLUMNS} FROM opened o JOIN pledges p ON p.id = o.pledge_id`,
      [RUNNING_STATUSES],
    );
    return rows.map(opened);
  }

  /** A campaign's pledges whose first payment is still due (oldest first). */
  async unstartedOf(
    campaignId: string,
    limit: number,
  ): Promise<{ id: string; subscriptionId: string | null; checkoutSessionId: string | null }[]> {
    const rows: {
      id: string;
      stripe_subscription_id: string | null;
      checkout_session_id: string | null;
    }[] = await this.repo.query(
      `SELECT id, stripe_subscription_id, checkout_session_id FROM pledges
        WHERE campaign_id = $1 AND status = 'incomplete' ORDER BY created_at LIMIT $2`,
      [campaignId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      subscriptionId: r.stripe_subscription_id,
      checkoutSessionId: r.checkout_session_id,
    }));
  }

  /** Closures still to be ended at Stripe (of one campaign, or all), oldest first. */
  async pendingEndings(campaignId: string | null, limit: number): Promise<PendingEnding[]> {
    const rows: { pledge_id: string; campaign_id: string }[] = await this.repo.query(
      `SELECT pledge_id, campaign_id FROM pledge_closures
        WHERE ending_set_at IS NULL AND ($1::uuid IS NULL OR campaign_id = $1)
        ORDER BY created_at LIMIT $2`,
      [campaignId, limit],
    );
    return rows.map((r) => ({ pledgeId: r.pledge_id, campaignId: r.campaign_id }));
  }

  async markEndingSet(pledgeId: string, campaignId: string): Promise<void> {
    await this.repo.update({ pledgeId, campaignId }, { endingSetAt: new Date() });
  }

  /**
   * Whether the pledge should now end with the campaign that closed: its closure is undecided
   * and the pledge is still on that campaign.
   */
  async stillEnding(pledgeId: string, campaignId: string): Promise<boolean> {
    const rows: unknown[] = await this.repo.query(
      `SELECT 1 FROM pledge_closures c JOIN pledges p ON p.id = c.pledge_id
        WHERE c.pledge_id = $1 AND c.campaign_id = $2 AND c.outcome IS NULL
          AND p.campaign_id = $2`,
      [pledgeId, campaignId],
    );
    return rows.length > 0;
  }

  /** The donor's (or staff's) choice for an undecided closure of the pledge's campaign, if any. */
  async decide(
    pledgeId: string,
    campaignId: string,
    outcome: ClosureOutcome,
    em: EntityManager = this.repo.manager,
  ): Promise<void> {
    await em.update(
      PledgeClosure,
      { pledgeId, campaignId, outcome: IsNull() },
      { outcome, decidedAt: new Date() },
    );
  }
}
