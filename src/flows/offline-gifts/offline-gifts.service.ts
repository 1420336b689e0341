import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdempotencyService } from '../../common/database/idempotency.service';
import { DomainError } from '../../common/errors/domain-error';
import { CreateOfflineDonationDto } from '../../donations/admin-donations.dto';
import {
  OfflineDonationsService,
  OfflineDonationView,
} from '../../donations/offline-donations.service';
import { DonorsService } from '../../donors/donors.service';
import { LedgerService } from '../../ledger/ledger.service';
import { MailService } from '../../mail/mail.service';
import { ReceiptIssuerService } from '../../receipts/receipt-issuer.service';
import { ReceiptsService } from '../../receipts/receipts.service';

/**
 * Recording a cheque, transfer or cash gift: the donation, its ledger entry and its receipt
 * in one transaction, like any gift. A mistake is corrected only by a reversing entry.
 */
@Injectable()
export class OfflineGiftsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly donations: OfflineDonationsService,
    private readonly donors: DonorsService,
    private readonly idempotency: IdempotencyService,
    private readonly ledger: LedgerService,
    private readonly receiptIssuer: ReceiptIssuerService,
    private readonly receipts: ReceiptsService,
    private readonly mail: MailService,
  ) {}

  async record(dto: CreateOfflineDonationDto, clientKey?: string): Promise<OfflineDonationView> {
    const { campaign, received } = await this.donations.check(dto);
    const id = randomUUID();
    const outcome = await this.db.transaction(async (em) => {
      const earlierId = await this.idempotency.claim(
        em,
        'offline-donation:create',
        clientKey,
        dto,
        id,
      );
      if (earlierId) return { earlierId };
      const donor = await this.donors.findOrCreateByEmail(em, dto.donor.email);
      await this.donations.insert(em, {
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
    if ('earlierId' in outcome && outcome.earlierId) return this.donations.view(outcome.earlierId);
    if ('issued' in outcome && outcome.issued) {
      await this.receipts.enqueue(outcome.issued.receiptIds);
      await this.mail.enqueue(outcome.issued.emailIds);
    }
    return this.donations.view(id);
  }

  /** Voids an offline gift with a reversing entry; its receipt is voided with it. */
  async void(id: string, reason: string): Promise<OfflineDonationView> {
    const issued = await this.db.transaction(async (em) => {
      const donation = await this.donations.toVoid(em, id);
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
      await this.donations.markVoided(em, id, reason);
      return this.receiptIssuer.reconcile(em, id);
    });
    await this.mail.enqueue(issued.emailIds);
    return this.donations.view(id);
  }
}
