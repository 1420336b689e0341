import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { Environment } from '../common/config/environment';
import { toSafeInteger } from '../common/database/bigint.transformer';
import { DomainError } from '../common/errors/domain-error';
import { formatMoney } from '../common/money/currency';
import { QueueService } from '../common/queue/queue.service';
import { PostalAddress } from '../donors/donor.entity';
import { Tribute } from '../donations/donation.entity';
import { MailTransport } from '../mail/mail-transport';
import { simpleEmail } from '../mail/templates';
import { Letterhead, letterheadOf } from '../common/pdf/pdf';
import {
  PLEDGE_CADENCE,
  ReceiptDocument,
  renderReceiptPdf,
  renderStatementPdf,
  StatementDocument,
  statementTotals,
} from './receipt-document';
import { Receipt, SEND_STATUSES, SendStatus } from './receipt.entity';
import { ReceiptsRepository } from './receipts.repository';
import { isUuid } from '../common/validation/is-uuid';
import { OutboxOutcome } from '../common/outbox/outbox-table';
import { MetricsService } from '../metrics/metrics.service';

/** SMTP answers 5xx for a refusal that retrying will not change. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export class ReceiptView {
  @ApiProperty({ format: 'uuid' }) id: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Null for the moments a receipt is owed, before it is numbered',
    example: '2026-000123',
  })
  number: string | null;

  @ApiProperty({ enum: ['original', 'correction'] }) type: Receipt['type'];
  @ApiProperty({ enum: ['issued', 'replaced', 'voided'] }) status: Receipt['status'];
  @ApiProperty({ description: 'Minor units', example: 2500 }) amount: number;
  @ApiProperty({ example: 'eur' }) currency: string;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({ enum: SEND_STATUSES }) sendStatus: SendStatus;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Staff only: why the last send failed',
  })
  lastError?: string | null;
}

export function receiptView(r: Receipt, staff = false): ReceiptView {
  return {
    id: r.id,
    number: r.number,
    type: r.type,
    status: r.status,
    amount: r.amount,
    currency: r.currency,
    issuedAt: r.issuedAt.toISOString(),
    sendStatus: r.sendStatus,
    ...(staff ? { lastError: r.lastError } : {}),
  };
}

/** Owed receipts numbered at a time: each batch is one short transaction on the counter row. */
const NUMBERING_BATCH = 100;

/**
 * Numbers owed receipts, renders and sends receipts and year-end statements; serves them to
 * donors and staff.
 */
@Injectable()
export class ReceiptsService {
  private readonly logger = new Logger(ReceiptsService.name);
  private readonly organisation: Letterhead;

  constructor(
    private readonly env: Environment,
    private readonly receipts: ReceiptsRepository,
    private readonly transport: MailTransport,
    private readonly queues: QueueService,
    private readonly metrics: MetricsService,
  ) {
    this.organisation = letterheadOf(env);
  }

  /**
   * After the issuing transaction commits: numbers what is owed, then enqueues the sending. A
   * crash in between leaves the receipts owed and pending: their job, or the sweeper, numbers
   * them. (A suppressed receipt's job only numbers it: it finds nothing to send.)
   */
  async enqueue(receiptIds: string[], jobSuffix = ''): Promise<void> {
    // Payments committing at once do not queue on the year's counter: when another is
    // numbering, this one leaves its receipts to it, or to their jobs.
    if (receiptIds.length) await this.numberOwed(false);
    for (const receiptId of receiptIds) await this.enqueueOne(receiptId, jobSuffix);
  }

  /**
   * Numbers every owed receipt, year by year, in batches, the longest owed first: contiguous
   * and gap-free, since each batch takes its numbers and moves the counter in one transaction.
   */
  /** The number of the donation's current receipt: null while it is owed, or when there is none. */
  currentNumber(donationId: string): Promise<string | null> {
    return this.receipts.currentNumber(donationId);
  }

  async numberOwed(wait = true): Promise<string[]> {
    const numbered: string[] = [];
    for (const year of await this.receipts.owedYears()) {
      numbered.push(...(await this.numberYear(year, wait)));
    }
    return numbered;
  }

  /** Without `wait`, stops when another transaction is numbering the year. */
  private async numberYear(year: number, wait = true): Promise<string[]> {
    const numbered: string[] = [];
    for (;;) {
      const batch = await this.receipts.numberOwed(year, NUMBERING_BATCH, wait);
      if (batch === null) return numbered;
      numbered.push(...batch);
      if (batch.length < NUMBERING_BATCH) return numbered;
    }
  }

  private enqueueOne(receiptId: string, jobSuffix = ''): Promise<boolean> {
    return this.queues.tryEnqueue(
      'receipt.send',
      { receiptId },
      { jobId: `receipt-${receiptId}${jobSuffix}` },
    );
  }

  /**
   * Numbers what a crash left owed and enqueues it (the crash lost its job too; the job id
   * dedupes one that was not lost), then re-enqueues what has waited too long to be sent.
   */
  async sweep(): Promise<number> {
    for (const receiptId of await this.numberOwed()) await this.enqueueOne(receiptId);
    return this.receipts.receiptOutbox.sweep(this.env.SWEEP_INTERVAL_MS, 500, (id) =>
      this.enqueueOne(id),
    );
  }

  /**
   * The job. One sender per receipt at a time: holding the receipt's claim (see `OutboxTable`)
   * it reads the send status and sends only a pending receipt, so jobs that overlap (the first
   * one, a resend, a retry of self-repair) send it once. A job that finds the receipt claimed
   * does nothing: the job holding it sends the receipt, or fails and retries. Failed is final for the
   * automatic tries: a job that finds the receipt failed was retried by hand (the queue
   * dashboard), which means "send it again", as a resend does. A receipt still owed is
   * numbered first (with the rest of its year's owed receipts); one whose row a refund holds
   * is left for the retry.
   */
  async send(receiptId: string, job: Job): Promise<string> {
    const owedYear = await this.receipts.owedYearOf(receiptId);
    if (owedYear !== null) {
      await this.numberYear(owedYear);
      if ((await this.receipts.owedYearOf(receiptId)) !== null) {
        throw new Error('the receipt is not numbered yet (its row is held): retrying');
      }
    }
    return this.receipts.receiptOutbox.run(receiptId, job, {
      logger: this.logger,
      read: (em) => this.receipts.documentRow(receiptId, em),
      status: (row) => String(row.send_status),
      settled: (status) => status,
      work: (row) => this.sendReceipt(receiptId, row),
      permanent: isPermanent,
      onDone: () => this.metrics.receiptsSent.inc({ kind: 'receipt' }),
      onFailed: (_row, final) =>
        this.metrics.receiptsFailed.inc({ kind: 'receipt', final: String(final) }),
    });
  }

  private async sendReceipt(
    receiptId: string,
    row: Record<string, unknown>,
  ): Promise<OutboxOutcome<'sent', 'no-address'>> {
    if (!row.donor_email || row.erased_at) {
      return { gaveUp: 'no-address', reason: 'the donor has no email address (erased)' };
    }
    const document = this.document(row);
    const pdf = await renderReceiptPdf(document);
    const amount = formatMoney(document.amount, document.currency);
    const email = simpleEmail({
      subject: this.env.RECEIPT_EMAIL_SUBJECT.replace('{number}', document.number),
      paragraphs: [
        [`Thank you for your gift of ${amount} to `, { isolate: document.campaignTitle }, '.'],
        `Your ${document.type === 'correction' ? 'corrected ' : ''}receipt ${document.number} is attached.` +
          (document.replacesNumber ? ` It replaces receipt ${document.replacesNumber}.` : ''),
      ],
      organisation: this.organisation.name,
    });
    await this.transport.send({
      to: String(row.donor_email),
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: `<receipt-${receiptId}@${new URL(this.env.PUBLIC_BASE_URL).hostname}>`,
      attachments: [
        {
          filename: `receipt-${document.number}.pdf`,
          content: pdf,
          contentType: 'application/pdf',
        },
      ],
    });
    return { done: 'sent' };
  }

  async resend(id: string): Promise<ReceiptView> {
    const receipt = isUuid(id) ? await this.receipts.findById(id) : null;
    if (!receipt) throw new DomainError('not_found', `No receipt ${id}`);
    await this.receipts.receiptOutbox.reset(id);
    await this.enqueue([id], `:resend:${Date.now()}`);
    return receiptView((await this.receipts.findById(id))!, true);
  }

  async list(
    sendStatus: SendStatus | undefined,
    limit: number,
    before?: Date,
  ): Promise<ReceiptView[]> {
    return (await this.receipts.list(sendStatus, limit, before)).map((r) => receiptView(r, true));
  }

  async listForDonor(donorId: string): Promise<ReceiptView[]> {
    return (await this.receipts.listByDonor(donorId)).map((r) => receiptView(r));
  }

  async pdfForDonor(donorId: string, id: string): Promise<{ filename: string; pdf: Buffer }> {
    const row = isUuid(id) ? await this.receipts.documentRow(id) : null;
    if (!row || row.donor_id !== donorId || !row.number) {
      throw new DomainError('not_found', `No receipt ${id}`);
    }
    const document = this.document(row);
    return { filename: `receipt-${document.number}.pdf`, pdf: await renderReceiptPdf(document) };
  }

  /** One statement per donor with gifts that year, each sent by its own job. */
  async sendStatements(year: number): Promise<number> {
    const ids = await this.receipts.createStatements(year);
    for (const statementId of ids) {
      await this.queues.enqueue(
        'statement.send',
        { statementId },
        { jobId: `statement-${statementId}` },
      );
    }
    return ids.length;
  }

  async statementForDonor(
    donorId: string,
    year: number,
  ): Promise<{ filename: string; pdf: Buffer }> {
    const document = await this.statementDocument(donorId, year);
    if (!document.gifts.length) throw new DomainError('not_found', `No gifts in ${year}`);
    return { filename: `statement-${year}.pdf`, pdf: await renderStatementPdf(document) };
  }

  /** As `send`: one sender per statement, and a failed one retried by hand is sent again. */
  sendStatement(statementId: string, job: Job): Promise<string> {
    return this.receipts.statementOutbox.run(statementId, job, {
      logger: this.logger,
      read: (em) => this.receipts.statement(statementId, em),
      status: (statement) => statement.sendStatus,
      settled: (status) => status,
      work: (statement) => this.sendYearStatement(statement),
      permanent: isPermanent,
      onDone: () => this.metrics.receiptsSent.inc({ kind: 'statement' }),
      onFailed: (_statement, final) =>
        this.metrics.receiptsFailed.inc({ kind: 'statement', final: String(final) }),
    });
  }

  private async sendYearStatement(statement: {
    id: string;
    donorId: string;
    year: number;
  }): Promise<OutboxOutcome<'sent', 'skipped'>> {
    const email = await this.receipts.donorEmail(statement.donorId);
    const document = await this.statementDocument(statement.donorId, statement.year);
    if (!email || !document.gifts.length) {
      return { gaveUp: 'skipped', reason: 'no address or no gifts' };
    }
    const totals = statementTotals(document)
      .map((t) => formatMoney(t.amount, t.currency))
      .join(', ');
    const message = simpleEmail({
      subject: `Your ${statement.year} giving statement`,
      paragraphs: [
        `Thank you for your gifts in ${statement.year}: ${totals} in all. Your statement is attached.`,
      ],
      organisation: this.organisation.name,
    });
    await this.transport.send({
      to: email,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: `<statement-${statement.id}@${new URL(this.env.PUBLIC_BASE_URL).hostname}>`,
      attachments: [
        {
          filename: `statement-${statement.year}.pdf`,
          content: await renderStatementPdf(document),
          contentType: 'application/pdf',
        },
      ],
    });
    return { done: 'sent' };
  }

  private async statementDocument(donorId: string, year: number): Promise<StatementDocument> {
    const gifts = await this.receipts.yearGifts(donorId, year);
    return {
      organisation: this.organisation,
      taxText: this.env.RECEIPT_TAX_TEXT,
      year,
      donorName: await this.receipts.statementName(donorId, year),
      gifts: gifts.map((g) => ({
        date: g.succeeded_at as Date,
        campaignTitle: (g.campaign_title as string) ?? 'General support',
        receiptNumber: (g.receipt_number as string) ?? null,
        amount: toSafeInteger(g.amount as string),
        currency: String(g.currency).trim(),
      })),
    };
  }

  private document(row: Record<string, unknown>): ReceiptDocument {
    return {
      organisation: this.organisation,
      taxText: this.env.RECEIPT_TAX_TEXT,
      number: row.number as string,
      issuedAt: row.issued_at as Date,
      type: row.type as ReceiptDocument['type'],
      replacesNumber: (row.replaces_number as string) ?? null,
      status: row.status as ReceiptDocument['status'],
      donorName: row.erased_at ? null : ((row.donor_name as string) ?? null),
      donorAddress: row.erased_at ? null : ((row.donor_address as PostalAddress) ?? null),
      amount: toSafeInteger(row.amount as string),
      currency: String(row.currency).trim(),
      campaignTitle: (row.campaign_title as string) ?? 'General support',
      giftDate: (row.succeeded_at as Date) ?? (row.issued_at as Date),
      tribute: (row.tribute as Tribute) ?? null,
      pledgeReference: row.pledge_id
        ? `${PLEDGE_CADENCE[row.pledge_interval as string]} pledge ${String(row.pledge_id).slice(0, 8)}`
        : null,
    };
  }
}
