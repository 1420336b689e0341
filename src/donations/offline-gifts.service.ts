import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CampaignsService } from '../campaigns/campaigns.service';
import { IdempotencyRepository } from '../common/database/idempotency.repository';
import { DomainError } from '../common/errors/domain-error';
import { chargeAmountProblem } from '../common/money/currency';
import { DonorsRepository } from '../donors/donors.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import { MailService } from '../mail/mail.service';
import { ReceiptIssuerService } from '../receipts/receipt-issuer.service';
import { ReceiptsService } from '../receipts/receipts.service';
import { CreateOfflineDonationDto } from './admin-donations.dto';
import { DonationsRepository } from './donations.repository';
import { isUuid } from '../common/validation/is-uuid';

/**
 * Cheques, transfers and cash: counted, in the ledger and receipted like any gift. A
 * mistake is corrected only by a reversing entry, never by editing the gift.
 */
@Injectable()
export class OfflineGiftsService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly donations: DonationsRepository,
    private readonly donors: DonorsRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly ledger: LedgerRepository,
    private readonly receiptIssuer: ReceiptIssuerService,
    private readonly receipts: ReceiptsService,
    private readonly mail: MailService,
  ) {}

  async record(dto: CreateOfflineDonationDto, clientKey?: string) {
    const campaign = await this.campaigns.findOrFail(dto.campaign);
    if (!campaign.currencies.includes(dto.currency)) {
      throw new DomainError(
        'validation_failed',
        `currency ${dto.currency} is not accepted by this campaign (accepted: ${campaign.currencies.join(', ')})`,
      );
    }
    const problem = chargeAmountProblem(dto.amount, dto.currency);
    if (problem && !problem.includes('at least'))
      throw new DomainError('validation_failed', problem);
    const received = new Date(`${dto.receivedOn}T12:00:00Z`);
    if (Number.isNaN(received.getTime()) || received.getTime() > Date.now() + 86_400_000) {
      throw new DomainError(
        'validation_failed',
        'receivedOn must be a real date, not in the future',
      );
    }
    const id = randomUUID();
    const outcome = await this.donations.transaction(async (em) => {
      const earlierId = await this.idempotency.claim(
        em,
        'offline-donation:create',
        clientKey,
        dto,
        id,
      );
      if (earlierId) return { earlierId };
      const donor = await this.donors.findOrCreateByEmail(em, dto.donor.email);
      await this.donations.insertOffline(em, {
        id,
        campaignId: campaign.id,
        donorId: donor.id,
        amount: dto.amount,
        currency: dto.currency,
        method: dto.method,
        reference: dto.reference,
        receivedOn: dto.receivedOn,
        succeededAt: received,
        donorName: dto.donor.name ?? null,
        donorAddress: dto.donor.address ?? null,
      });
      await this.ledger.append(em, { donationId: id, campaignId: campaign.id, donorId: donor.id }, [
        {
          dedupeKey: `offline:${id}`,
          kind: 'charge',
          amount: dto.amount,
          currency: dto.currency,
          settledAmount: dto.amount,
          settledCurrency: dto.currency,
          occurredAt: received,
        },
      ]);
      return { issued: await this.receiptIssuer.reconcile(em, id) };
    });
    if ('earlierId' in outcome && outcome.earlierId) return this.view(outcome.earlierId);
    if ('issued' in outcome && outcome.issued) {
      await this.receipts.enqueue(outcome.issued.receiptIds);
      await this.mail.enqueue(outcome.issued.emailIds);
    }
    return this.view(id);
  }

  /** Voids an offline gift with a reversing entry; its receipt is voided with it. */
  async void(id: string, reason: string) {
    const issued = await this.donations.transaction(async (em) => {
      const donation = isUuid(id) ? await this.donations.findById(id, em) : null;
      if (!donation) throw new DomainError('not_found', `No donation ${id}`);
      if (donation.kind !== 'offline') {
        throw new DomainError(
          'conflict',
          'Only offline gifts are voided here: refund a card gift instead',
        );
      }
      const added = await this.ledger.append(
        em,
        { donationId: id, campaignId: donation.campaignId, donorId: donation.donorId },
        [
          {
            dedupeKey: `offline-void:${id}`,
            kind: 'refund',
            amount: -donation.amount,
            currency: donation.currency,
            settledAmount: -donation.amount,
            settledCurrency: donation.currency,
            occurredAt: new Date(),
          },
        ],
      );
      if (!added.length) throw new DomainError('conflict', 'This gift is already voided');
      await this.donations.markOfflineVoided(em, id, reason);
      return this.receiptIssuer.reconcile(em, id);
    });
    await this.mail.enqueue(issued.emailIds);
    return this.view(id);
  }

  private async view(id: string) {
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
