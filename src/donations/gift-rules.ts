import { Injectable } from '@nestjs/common';
import { Campaign } from '../campaigns/campaign.entity';
import { limitFor } from '../campaigns/campaign-limits';
import { Environment } from '../common/config/environment';
import { DomainError, invalidField } from '../common/errors/domain-error';
import { chargeAmountProblem, formatMoney, roundUpToChargeable } from '../common/money/currency';
import { FeeModel, grossUp, parseFixedFees } from '../common/money/fee-cover';

export interface GiftAmount {
  amount: number;
  currency: string;
  coverFees?: boolean;
}

/** Why a campaign takes no gifts right now, or null when it does. */
export function notAcceptingReason(c: Campaign, now = new Date()): string | null {
  if (c.status === 'draft') return `Campaign "${c.slug}" is not open yet (draft)`;
  if (c.status === 'closed') return `Campaign "${c.slug}" is closed`;
  if (c.startsAt && now < c.startsAt)
    return `Campaign "${c.slug}" opens on ${c.startsAt.toISOString()}`;
  if (c.endsAt && now >= c.endsAt) return `Campaign "${c.slug}" ended on ${c.endsAt.toISOString()}`;
  return null;
}

/**
 * Gifts are private by default: one is named in public only when its request said
 * `anonymous: false` or sent a displayName (and did not also say `anonymous: true`).
 */
export function isAnonymous(request: { anonymous?: boolean; displayName?: string }): boolean {
  return request.anonymous ?? !request.displayName;
}

/** What a campaign accepts, for one-off gifts and pledge installments alike. */
@Injectable()
export class GiftRules {
  private readonly feeModel: FeeModel;

  constructor(env: Environment) {
    this.feeModel = {
      percentBps: Math.round(Number(env.FEE_COVER_PERCENT) * 100),
      fixed: parseFixedFees(env.FEE_COVER_FIXED),
    };
  }

  /** Checks currency and amount against the campaign and Stripe; returns what to charge. */
  chargeFor(campaign: Campaign, dto: GiftAmount): number {
    const closed = notAcceptingReason(campaign);
    if (closed) throw new DomainError('not_active', closed);
    if (!campaign.currencies.includes(dto.currency)) {
      throw invalidField(
        'currency',
        'not_accepted',
        `currency ${dto.currency} is not accepted by this campaign (accepted: ${campaign.currencies.join(', ')})`,
      );
    }
    const problem = chargeAmountProblem(dto.amount, dto.currency);
    if (problem) throw invalidField('amount', 'invalid_amount', problem);
    const limit = limitFor(campaign, dto.currency);
    if (limit?.min !== undefined && dto.amount < limit.min) {
      throw invalidField(
        'amount',
        'below_minimum',
        `amount must be at least ${limit.min} (${formatMoney(limit.min, dto.currency)}) for this campaign`,
      );
    }
    if (limit?.max !== undefined && dto.amount > limit.max) {
      throw invalidField(
        'amount',
        'above_maximum',
        `amount must be at most ${limit.max} (${formatMoney(limit.max, dto.currency)}) for this campaign`,
      );
    }
    if (!dto.coverFees) return dto.amount;
    const charge = roundUpToChargeable(
      grossUp(dto.amount, dto.currency, this.feeModel),
      dto.currency,
    );
    const grossProblem = chargeAmountProblem(charge, dto.currency);
    if (grossProblem)
      throw invalidField('amount', 'invalid_amount', `with fees covered, ${grossProblem}`);
    return charge;
  }
}
