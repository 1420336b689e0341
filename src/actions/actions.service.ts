import { Injectable } from '@nestjs/common';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Environment } from '../common/config/environment';
import { deriveKey } from '../common/crypto/derive-key';
import { openCursor, sealCursor } from '../common/cursor/opaque-cursor';
import { dayFormatter } from '../common/day';
import { DomainError, invalidField } from '../common/errors/domain-error';
import { isUuid } from '../common/validation/is-uuid';
import { CreateActionDto, UpdateActionDto } from './action.dto';
import { AdminActionView, PublicActionView } from './action.views';
import {
  ActionChanges,
  ActionRecord,
  ActionSlugTakenError,
  ActionsRepository,
} from './actions.repository';
import { SignerCursor, SignaturesRepository } from './signatures.repository';

export function adminActionView(a: ActionRecord): AdminActionView {
  return {
    id: a.id,
    campaignSlug: a.campaignSlug,
    slug: a.slug,
    title: a.title,
    description: a.description,
    target: { name: a.targetName, email: a.targetEmail },
    letterSubject: a.letterSubject,
    letterBody: a.letterBody,
    letterVersion: a.letterVersion,
    goal: a.goal,
    status: a.status,
    deliveryCron: a.deliveryCron,
    signatures: a.signatures,
    pendingSignatures: a.pendingSignatures,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    closedAt: a.closedAt?.toISOString() ?? null,
  };
}

function publicActionView(a: ActionRecord): PublicActionView {
  return {
    slug: a.slug,
    title: a.title,
    description: a.description,
    status: a.status,
    target: { name: a.targetName },
    letter: { subject: a.letterSubject, body: a.letterBody, version: a.letterVersion },
    goal: a.goal,
    signatures: a.signatures,
  };
}

function notFound(id: string): DomainError {
  return new DomainError('not_found', `No action ${id}`);
}

/**
 * Actions as staff make them (a letter whose text freezes once signed: an edit then makes the
 * next version) and as the public sees them (not drafts; signers only by their own choice,
 * by day).
 */
@Injectable()
export class ActionsService {
  private readonly cursorKey: Buffer;
  private readonly day: (at: Date) => string;

  constructor(
    private readonly actions: ActionsRepository,
    private readonly signatures: SignaturesRepository,
    private readonly campaigns: CampaignsService,
    env: Environment,
  ) {
    this.cursorKey = deriveKey(env.CURSOR_SECRET ?? env.STRIPE_SECRET_KEY, 'action-signers');
    this.day = dayFormatter(env.ORGANIZATION_TIMEZONE);
  }

  async create(campaignSlug: string, dto: CreateActionDto): Promise<AdminActionView> {
    const campaign = await this.campaigns.findOrFail(campaignSlug);
    try {
      const id = await this.actions.create({
        campaignId: campaign.id,
        slug: dto.slug,
        title: dto.title,
        description: dto.description ?? '',
        targetName: dto.target.name,
        targetEmail: dto.target.email,
        goal: dto.goal,
        status: dto.status ?? 'draft',
        deliveryCron: dto.deliveryCron ?? null,
        letterSubject: dto.letterSubject,
        letterBody: dto.letterBody,
      });
      return this.get(id);
    } catch (error) {
      if (error instanceof ActionSlugTakenError) {
        throw new DomainError(
          'conflict',
          `slug "${dto.slug}" is already used by another action of this campaign`,
        );
      }
      throw error;
    }
  }

  async listForCampaign(campaignSlug: string): Promise<AdminActionView[]> {
    const campaign = await this.campaigns.findOrFail(campaignSlug);
    return (await this.actions.listByCampaign(campaign.id)).map(adminActionView);
  }

  async get(id: string): Promise<AdminActionView> {
    return adminActionView(await this.findOrFail(id));
  }

  /** The action for other parts of this module (deliveries): 404 when there is none. */
  async findOrFail(id: string): Promise<ActionRecord> {
    const action = isUuid(id) ? await this.actions.findById(id) : null;
    if (!action) throw notFound(id);
    return action;
  }

  /**
   * Changes the action. A closed one is not changed (409). A letter edit rewrites the current
   * version while no signature endorses it, and adds the next version once one does: what a
   * signer endorsed is never rewritten under them.
   */
  async update(id: string, dto: UpdateActionDto): Promise<AdminActionView> {
    if (!isUuid(id)) throw notFound(id);
    await this.actions.transaction(async (em) => {
      const locked = await this.actions.lock(em, id, 'update');
      if (!locked) throw notFound(id);
      if (locked.status === 'closed') {
        throw new DomainError('conflict', 'The action is closed: it can no longer be changed');
      }
      const changes: ActionChanges = {
        title: dto.title,
        description: dto.description,
        targetName: dto.target?.name,
        targetEmail: dto.target?.email,
        goal: dto.goal,
        status: dto.status,
        deliveryCron: dto.deliveryCron,
      };
      if (Object.values(changes).some((v) => v !== undefined)) {
        await this.actions.update(em, id, changes);
      }
      if (dto.letterSubject === undefined && dto.letterBody === undefined) return;
      const current = await this.actions.findById(id, em);
      const letter = {
        subject: dto.letterSubject ?? current!.letterSubject,
        body: dto.letterBody ?? current!.letterBody,
      };
      if (letter.subject === current!.letterSubject && letter.body === current!.letterBody) return;
      if (await this.signatures.anyOnVersion(em, id, locked.letterVersion)) {
        await this.actions.addLetterVersion(em, id, locked.letterVersion + 1, letter);
      } else {
        await this.actions.rewriteLetter(em, id, locked.letterVersion, letter);
      }
    });
    return this.get(id);
  }

  /** Closes the action: no more signatures. Closing a closed one changes nothing. */
  async close(id: string): Promise<AdminActionView> {
    await this.findOrFail(id);
    await this.actions.close(id);
    return this.get(id);
  }

  async listPublic(campaignSlug: string): Promise<PublicActionView[]> {
    const campaign = await this.campaigns.findBySlug(campaignSlug);
    if (!campaign || campaign.status === 'draft') {
      throw new DomainError('not_found', `No campaign "${campaignSlug}"`);
    }
    return (await this.actions.listPublic(campaignSlug)).map(publicActionView);
  }

  async getPublic(
    campaignSlug: string,
    actionSlug: string,
    signersLimit: number,
    cursor?: string,
  ): Promise<PublicActionView> {
    const before = cursor ? this.decodeCursor(cursor) : undefined;
    if (before === null) {
      throw invalidField('signersCursor', 'invalid_format', 'signersCursor is not a valid cursor');
    }
    const action = await this.actions.findBySlugs(campaignSlug, actionSlug);
    if (!action || action.campaignStatus === 'draft' || action.status === 'draft') {
      throw new DomainError('not_found', `No action "${actionSlug}" in campaign "${campaignSlug}"`);
    }
    const signers = await this.signatures.publicSigners(action.id, signersLimit + 1, before);
    const page = signers.slice(0, signersLimit);
    const last = page[page.length - 1];
    return {
      ...publicActionView(action),
      signers: {
        data: page.map((s) => ({
          displayName: s.displayName,
          country: s.country,
          date: this.day(s.confirmedAt),
        })),
        nextCursor:
          signers.length > signersLimit
            ? sealCursor(this.cursorKey, `${last.confirmedAt.toISOString()}|${last.id}`)
            : null,
      },
    };
  }

  /** The position a cursor holds; null for one this API did not seal, or that was changed. */
  private decodeCursor(cursor: string): SignerCursor | null {
    const position = openCursor(this.cursorKey, cursor);
    if (!position) return null;
    const [at, id] = position.split('|');
    const confirmedAt = new Date(at);
    if (!isUuid(id) || Number.isNaN(confirmedAt.getTime())) return null;
    return { confirmedAt, id };
  }
}
