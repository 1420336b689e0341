import { dayFormatter } from '../common/day';
import { Injectable } from '@nestjs/common';
import { chargeAmountProblem } from '../common/money/currency';
import { checkSuggestedAmounts } from './suggested-amounts';
import { DomainError, invalidField } from '../common/errors/domain-error';
import { Campaign, CloseReason } from './campaign.entity';
import { finalGoalReached } from './campaign-goals';
import { EntityManager } from 'typeorm';
import { assertLimitsComplete, normaliseLimits } from './campaign-limits';
import { checkStretchGoals } from './campaign-goals';
import { CreateCampaignDto, UpdateCampaignDto } from './campaign.dto';
import { Environment } from '../common/config/environment';
import { deriveKey } from '../common/crypto/derive-key';
import {
  CampaignView,
  campaignView,
  decodeCursor,
  encodeCursor,
  supporterView,
} from './campaign.views';
import { LedgerService } from '../ledger/ledger.service';
import { CampaignsRepository, NewCampaign, SlugTakenError } from './campaigns.repository';

/** Campaigns that close at their goal looked at per check. */
const MAX_GOAL_CHECKS = 500;

@Injectable()
export class CampaignsService {
  private readonly cursorKey: Buffer;
  private readonly day: (at: Date) => string;

  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly ledger: LedgerService,
    env: Environment,
  ) {
    // Every API process derives the same key, so a cursor from one is good at another.
    this.cursorKey = deriveKey(env.CURSOR_SECRET ?? env.STRIPE_SECRET_KEY, 'campaign-supporters');
    this.day = dayFormatter(env.ORGANIZATION_TIMEZONE);
  }

  async create(dto: CreateCampaignDto): Promise<CampaignView> {
    const fields = {
      slug: dto.slug,
      title: dto.title,
      description: dto.description ?? '',
      goalAmount: dto.goal.amount,
      goalCurrency: dto.goal.currency,
      currencies: this.currencies(dto.currencies, dto.goal.currency),
      status: dto.status ?? 'draft',
      minAmount: dto.minAmount ?? null,
      maxAmount: dto.maxAmount ?? null,
      limits: null as Campaign['limits'],
      hideAmounts: dto.hideAmounts ?? false,
      startsAt: dto.startsAt ?? null,
      endsAt: dto.endsAt ?? null,
      stretchGoals: checkStretchGoals(dto.stretchGoals ?? [], dto.goal.amount),
      closeAtGoal: dto.closeAtGoal ?? false,
    };
    if (dto.limits !== undefined) Object.assign(fields, normaliseLimits(dto.limits, fields));
    this.assertConsistent(fields);
    fields.limits = assertLimitsComplete(fields);
    const suggestedAmounts =
      dto.suggestedAmounts === undefined
        ? null
        : checkSuggestedAmounts(dto.suggestedAmounts, fields);
    try {
      return campaignView(
        await this.campaigns.create({ ...fields, suggestedAmounts }, (em, id) =>
          this.ledger.openProgress(em, id),
        ),
      );
    } catch (error) {
      if (error instanceof SlugTakenError) {
        throw new DomainError('conflict', `slug "${dto.slug}" is already used by another campaign`);
      }
      throw error;
    }
  }

  async update(slug: string, dto: UpdateCampaignDto): Promise<CampaignView> {
    const campaign = await this.findOrFail(slug);
    if (dto.status !== undefined && campaign.status === 'closed')
      throw new DomainError(
        'conflict',
        'A closed campaign stays closed: its pledges were told it ended',
      );
    const changes: Partial<Campaign> = {
      ...(dto.title !== undefined && { title: dto.title }),
      ...(dto.description !== undefined && { description: dto.description }),
      ...(dto.goal && { goalAmount: dto.goal.amount, goalCurrency: dto.goal.currency }),
      ...(dto.status !== undefined && { status: dto.status }),
      ...(dto.minAmount !== undefined && { minAmount: dto.minAmount }),
      ...(dto.maxAmount !== undefined && { maxAmount: dto.maxAmount }),
      ...(dto.hideAmounts !== undefined && { hideAmounts: dto.hideAmounts }),
      ...(dto.startsAt !== undefined && { startsAt: dto.startsAt }),
      ...(dto.endsAt !== undefined && { endsAt: dto.endsAt }),
      ...(dto.closeAtGoal !== undefined && { closeAtGoal: dto.closeAtGoal }),
    };
    const goalCurrency = changes.goalCurrency ?? campaign.goalCurrency;
    if (dto.currencies || dto.goal) {
      changes.currencies = this.currencies(dto.currencies ?? campaign.currencies, goalCurrency);
    }
    const next = { ...campaign, ...changes };
    // New stretch goals are checked against the goal; so are the stored ones when the goal
    // moves under them.
    if (dto.stretchGoals !== undefined) {
      changes.stretchGoals = checkStretchGoals(dto.stretchGoals ?? [], next.goalAmount);
      next.stretchGoals = changes.stretchGoals;
    } else if (dto.goal) {
      checkStretchGoals(campaign.stretchGoals, next.goalAmount, true);
    }
    if (dto.limits !== undefined) {
      Object.assign(changes, normaliseLimits(dto.limits, next));
      Object.assign(next, changes);
    }
    this.assertConsistent(next);
    // Only a change to what is limited is checked, so older campaigns stay editable.
    const limitsTouched =
      dto.limits !== undefined ||
      dto.currencies !== undefined ||
      dto.goal !== undefined ||
      dto.minAmount !== undefined ||
      dto.maxAmount !== undefined;
    if (limitsTouched) changes.limits = assertLimitsComplete(next);
    // New suggestions are checked; so are the stored ones when the limits or currencies move
    // under them (those of a currency no longer accepted are dropped, not refused).
    if (dto.suggestedAmounts !== undefined || limitsTouched) {
      const suggested =
        dto.suggestedAmounts !== undefined
          ? dto.suggestedAmounts
          : Object.fromEntries(
              Object.entries(campaign.suggestedAmounts ?? {}).filter(([currency]) =>
                next.currencies.includes(currency),
              ),
            );
      changes.suggestedAmounts = checkSuggestedAmounts(suggested, { ...next, ...changes });
    }
    if (dto.goal && dto.goal.currency !== campaign.goalCurrency) {
      const progress = (await this.ledger.progress([campaign.id])).get(campaign.id);
      if (progress && progress.donationCount > 0) {
        throw new DomainError(
          'conflict',
          'goal.currency cannot change once the campaign has donations',
        );
      }
    }
    return this.view(await this.campaigns.update(campaign, changes));
  }

  /** The campaign as staff and the public see it, with its progress and active actions. */
  async view(campaign: Campaign): Promise<CampaignView> {
    const [progress, actions] = await Promise.all([
      this.ledger.progress([campaign.id]),
      this.campaigns.activeActions([campaign.id]),
    ]);
    return campaignView(campaign, progress.get(campaign.id), actions.get(campaign.id));
  }

  async listPublic(): Promise<CampaignView[]> {
    const campaigns = await this.campaigns.listPublic();
    const ids = campaigns.map((c) => c.id);
    const [progress, actions] = await Promise.all([
      this.ledger.progress(ids),
      this.campaigns.activeActions(ids),
    ]);
    return campaigns.map((c) => campaignView(c, progress.get(c.id), actions.get(c.id)));
  }

  async getPublic(slug: string, supportersLimit: number, cursor?: string): Promise<CampaignView> {
    const before = cursor ? decodeCursor(this.cursorKey, cursor) : undefined;
    if (before === null)
      throw invalidField(
        'supportersCursor',
        'invalid_format',
        'supportersCursor is not a valid cursor',
      );
    // One round trip: the campaign, its progress and its supporters are all read by slug at once.
    const [campaign, progress, supporters] = await Promise.all([
      this.campaigns.findBySlug(slug),
      this.ledger.progressBySlug(slug),
      this.campaigns.recentSupporters(slug, supportersLimit + 1, before),
    ]);
    if (!campaign || campaign.status === 'draft') {
      throw new DomainError('not_found', `No campaign "${slug}"`);
    }
    const page = supporters.slice(0, supportersLimit);
    const actions = await this.campaigns.activeActions([campaign.id]);
    return {
      ...campaignView(campaign, progress ?? undefined, actions.get(campaign.id)),
      recentSupporters: {
        data: page.map((s) => supporterView(s, campaign.hideAmounts, this.day)),
        nextCursor:
          supporters.length > supportersLimit
            ? encodeCursor(this.cursorKey, page[page.length - 1])
            : null,
      },
    };
  }

  async findOrFail(slug: string): Promise<Campaign> {
    const campaign = await this.campaigns.findBySlug(slug);
    if (!campaign) throw new DomainError('not_found', `No campaign "${slug}"`);
    return campaign;
  }

  private currencies(requested: string[] | undefined, goalCurrency: string): string[] {
    return [...new Set([goalCurrency, ...(requested ?? [])])];
  }

  private assertConsistent(c: {
    goalCurrency: string;
    minAmount: number | null;
    maxAmount: number | null;
    startsAt: Date | null;
    endsAt: Date | null;
  }): void {
    if (c.minAmount !== null) {
      const problem = chargeAmountProblem(c.minAmount, c.goalCurrency);
      if (problem)
        throw invalidField(
          'minAmount',
          'invalid_amount',
          `minAmount: ${problem.replace(/^amount /, '')}`,
        );
    }
    if (c.minAmount !== null && c.maxAmount !== null && c.minAmount > c.maxAmount) {
      throw invalidField(
        'minAmount',
        'out_of_range',
        'minAmount must not be greater than maxAmount',
      );
    }
    if (c.startsAt && c.endsAt && c.startsAt >= c.endsAt) {
      throw invalidField('endsAt', 'out_of_range', 'endsAt must be after startsAt');
    }
  }

  findById(id: string): Promise<Campaign | null> {
    return this.campaigns.findById(id);
  }

  findByIds(ids: string[]): Promise<Campaign[]> {
    return this.campaigns.findByIds(ids);
  }

  findBySlug(slug: string): Promise<Campaign | null> {
    return this.campaigns.findBySlug(slug);
  }

  /**
   * The campaign a closing hands its pledges on to: another campaign that takes gifts now.
   * Errors name the `successor` field.
   */
  async successorFor(closing: Campaign, slug: string): Promise<Campaign> {
    const successor = await this.campaigns.findBySlug(slug);
    if (!successor || successor.status === 'draft')
      throw invalidField('successor', 'unknown_campaign', `successor: no campaign "${slug}"`);
    if (successor.id === closing.id)
      throw invalidField('successor', 'same_campaign', 'successor must be another campaign');
    if (successor.status !== 'active')
      throw invalidField('successor', 'campaign_closed', `successor: campaign "${slug}" is closed`);
    return successor;
  }

  /** Closes the campaign in the caller's transaction; false when it was already closed. */
  closeIn(
    em: EntityManager,
    id: string,
    close: { reason: CloseReason; successorId: string | null; message: string | null },
  ): Promise<boolean> {
    return this.campaigns.close(em, id, close);
  }

  /**
   * In the caller's transaction, the campaigns' statuses as a closing cannot change them until
   * it ends (a pledge moving between them: the closing then sees where it went).
   */
  lockStatuses(em: EntityManager, ids: string[]): Promise<Map<string, string>> {
    return this.campaigns.lockStatuses(em, ids);
  }

  /** Active campaigns whose `endsAt` has come. */
  endedButOpen(limit: number): Promise<Campaign[]> {
    return this.campaigns.endedButOpen(new Date(), limit);
  }

  /**
   * Active campaigns that close at their final goal and have reached it (progress as the
   * campaign view shows it), of those given, or of all when none are.
   */
  async reachedFinalGoal(ids?: string[]): Promise<Campaign[]> {
    if (ids?.length === 0) return [];
    // After a payment: one indexed read, which finds nothing for most campaigns.
    const candidates = await this.campaigns.activeClosingAtGoal(MAX_GOAL_CHECKS, ids);
    if (!candidates.length) return [];
    const progress = await this.ledger.progress(candidates.map((c) => c.id));
    return candidates.filter((c) => finalGoalReached(c, progress.get(c.id)?.raised ?? 0));
  }

  /** Records the campaign's Stripe Product (the first one stored wins); returns the stored id. */
  setStripeProduct(id: string, productId: string): Promise<string> {
    return this.campaigns.setStripeProduct(id, productId);
  }

  replaceStripeProduct(id: string, stale: string, fresh: string): Promise<string> {
    return this.campaigns.replaceStripeProduct(id, stale, fresh);
  }

  /** Adds the campaigns whose slug is free (the demo's); returns the slugs added. */
  insertMissing(campaigns: NewCampaign[]): Promise<string[]> {
    return this.campaigns.insertMissing(campaigns, (em, id) => this.ledger.openProgress(em, id));
  }
}
