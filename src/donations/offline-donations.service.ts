import { ApiProperty } from '@nestjs/swagger';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { CampaignsService } from '../campaigns/campaigns.service';
import { DomainError, invalidField } from '../common/errors/domain-error';
import { chargeAmountProblem } from '../common/money/currency';
import { isUuid } from '../common/validation/is-uuid';
import { CreateOfflineDonationDto } from './admin-donations.dto';
import { Donation, DONATION_STATUSES, OFFLINE_METHODS } from './donation.entity';
import { DonationsRepository } from './donations.repository';

export class OfflineDonationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['offline'] }) kind: Donation['kind'];
  @ApiProperty({ enum: OFFLINE_METHODS, example: 'cheque' }) method: Donation['method'];
  @ApiProperty({ description: 'Minor units', example: 10000 }) amount: number;
  @ApiProperty({ example: 'eur' }) currency: string;
  @ApiProperty({ enum: DONATION_STATUSES, example: 'succeeded' }) status: Donation['status'];
  @ApiProperty({ description: 'The whole amount once voided' }) refundedAmount: number;
  @ApiProperty({ type: String, nullable: true, example: 'Cheque 004211' }) reference: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-28' }) receivedOn: string | null;
}

/**
 * Cheques, transfers and cash, from the donation's side: what a valid one is, its row, and
 * marking it voided. A mistake is corrected only by a reversing entry, never by editing.
 */
@Injectable()
export class OfflineDonationsService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly donations: DonationsRepository,
  ) {}

  /** The campaign and the day received, or a validation error naming the field. */
  async check(dto: CreateOfflineDonationDto): Promise<{ campaign: Campaign; received: Date }> {
    const campaign = await this.campaigns.findOrFail(dto.campaign);
    if (!campaign.currencies.includes(dto.currency)) {
      throw invalidField(
        'currency',
        'not_accepted',
        `currency ${dto.currency} is not accepted by this campaign (accepted: ${campaign.currencies.join(', ')})`,
      );
    }
    const problem = chargeAmountProblem(dto.amount, dto.currency);
    if (problem && !problem.includes('at least'))
      throw invalidField('amount', 'invalid_amount', problem);
    const received = new Date(`${dto.receivedOn}T12:00:00Z`);
    if (Number.isNaN(received.getTime()) || received.getTime() > Date.now() + 86_400_000) {
      throw invalidField(
        'receivedOn',
        'out_of_range',
        'receivedOn must be a real date, not in the future',
      );
    }
    return { campaign, received };
  }

  insert(em: EntityManager, gift: Parameters<DonationsRepository['insertOffline']>[1]) {
    return this.donations.insertOffline(em, gift);
  }

  /** The offline gift to void, read in the caller's transaction (the ledger's dedupe key voids it once). */
  async toVoid(em: EntityManager, id: string): Promise<Donation> {
    const donation = isUuid(id) ? await this.donations.findById(id, em) : null;
    if (!donation) throw new DomainError('not_found', `No donation ${id}`);
    if (donation.kind !== 'offline') {
      throw new DomainError(
        'conflict',
        'Only offline gifts are voided here: refund a card gift instead',
      );
    }
    return donation;
  }

  markVoided(em: EntityManager, id: string, reason: string): Promise<void> {
    return this.donations.markOfflineVoided(em, id, reason);
  }

  async view(id: string): Promise<OfflineDonationView> {
    const d = (await this.donations.findById(id))!;
    return {
      id: d.id,
      kind: d.kind,
      method: d.method,
      amount: d.amount,
      currency: d.currency,
      status: d.status,
      refundedAmount: d.refundedAmount,
      reference: d.reference,
      receivedOn: d.receivedOn,
    };
  }
}
