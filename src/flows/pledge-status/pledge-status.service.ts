import { Injectable } from '@nestjs/common';
import { DonationsService } from '../../donations/donations.service';
import { PledgesService } from '../../pledges/pledges.service';
import { ReceiptsService } from '../../receipts/receipts.service';
import { PledgeStatusView } from './pledge-status.dto';

/** A pledge as its thank-you page sees it: its state, and its first payment's. */
@Injectable()
export class PledgeStatusService {
  constructor(
    private readonly pledges: PledgesService,
    private readonly donations: DonationsService,
    private readonly receipts: ReceiptsService,
  ) {}

  async of(id: string, clientSecret: string): Promise<PledgeStatusView> {
    const pledge = await this.pledges.withClientSecret(id, clientSecret);
    const first = await this.donations.firstInstallment(pledge.id);
    // An installment is marked succeeded in the transaction that appends it to the ledger.
    const counted = first?.status === 'succeeded';
    return {
      status: pledge.status,
      amount: pledge.amount,
      currency: pledge.currency.trim(),
      interval: pledge.interval,
      counted,
      receiptNumber: first ? await this.receipts.currentNumber(first.id) : null,
    };
  }
}
