import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Environment } from '../common/config/environment';
import { formatMoney } from '../common/money/currency';
import { MailService } from '../mail/mail.service';
import { simpleEmail } from '../mail/templates';
import { ReceiptsRepository } from './receipts.repository';

/** What to hand to the receipts stage (`ReceiptsService.enqueue`) once the transaction commits. */
export interface IssuedReceipts {
  /** Receipts owed: to number, then to send (a suppressed one is numbered, not sent). */
  receiptIds: string[];
  emailIds: string[];
}

/**
 * Keeps a donation's receipt in line with what the donation is now worth, in the same
 * transaction as the payment facts: a first success issues one, a partial refund issues a
 * correction that replaces it, a full refund voids it (and the donor gets a notice).
 * Applying it again with nothing changed issues nothing, but hands a receipt still owed to the
 * receipts stage again. A receipt is issued owed, without a number: the receipts stage numbers
 * it after the commit, so the payment's transaction never waits on the year's counter row. A
 * correction owed before its original was numbered still replaces it; the original is numbered
 * too (every receipt issued keeps a number, as before), ahead of the correction.
 */
@Injectable()
export class ReceiptIssuerService {
  constructor(
    private readonly env: Environment,
    private readonly receipts: ReceiptsRepository,
    private readonly mail: MailService,
  ) {}

  async reconcile(em: EntityManager, donationId: string): Promise<IssuedReceipts> {
    const none: IssuedReceipts = { receiptIds: [], emailIds: [] };
    const facts = await this.receipts.factsFor(em, donationId);
    if (!facts || facts.status !== 'succeeded') return none;
    const current = await this.receipts.currentFor(em, donationId);
    if (current && current.amount === facts.net) {
      // Still owed: the step after an earlier commit has not run yet, or crashed. Numbering
      // twice is a no-op and the job id dedupes, so handing it on again is harmless.
      return current.number === null ? { receiptIds: [current.id], emailIds: [] } : none;
    }
    if (!current && facts.net <= 0) return none;
    if (current && facts.net <= 0) {
      const number = await this.receipts.voidCurrent(em, current.id);
      const emailId = await this.voidNotice(
        em,
        facts.donorId,
        donationId,
        current.id,
        number,
        current.amount,
        current.currency,
      );
      return { receiptIds: [], emailIds: emailId ? [emailId] : [] };
    }
    if (current) await this.receipts.replace(em, current.id);
    const year = new Date().getUTCFullYear();
    // A suppressed receipt (installments with only a year-end statement) is numbered like any
    // other, as it always was: the statement lists its number.
    const suppressed = facts.kind === 'installment' && facts.installmentReceipts === 'year_end';
    const id = await this.receipts.insert(em, {
      number: null,
      year,
      donationId,
      donorId: facts.donorId,
      type: current ? 'correction' : 'original',
      replacesReceiptId: current?.id ?? null,
      amount: facts.net,
      currency: facts.currency,
      sendStatus: suppressed ? 'suppressed' : 'pending',
    });
    return { receiptIds: [id], emailIds: [] };
  }

  private async voidNotice(
    em: EntityManager,
    donorId: string,
    donationId: string,
    receiptId: string,
    number: string,
    amount: number,
    currency: string,
  ): Promise<string | null> {
    const contact = await this.receipts.giftContact(em, donationId);
    if (!contact?.email) return null;
    const rendered = simpleEmail({
      subject: `Receipt ${number} is void`,
      paragraphs: [
        `Your gift of ${formatMoney(amount, currency)} has been refunded in full, so receipt ${number} is void.`,
        'Please do not use it for tax purposes.',
      ],
      organisation: this.env.ORGANIZATION_NAME,
    });
    return this.mail.add(em, {
      dedupeKey: `receipt-void:${receiptId}`,
      kind: 'receipt-void',
      donorId,
      toAddress: contact.email,
      subject: rendered.subject,
      textBody: rendered.text,
      htmlBody: rendered.html,
    });
  }
}
