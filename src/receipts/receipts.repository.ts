import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Not, Repository } from 'typeorm';
import { Environment } from '../common/config/environment';
import { OutboxTable, outboxLeaseMs } from '../common/outbox/outbox-table';
import { Receipt, SendStatus } from './receipt.entity';
import { ERASED_ERROR } from '../common/errors/erased';

/** `2026-000123`: the year and the year's sequence, zero-padded. */
export function receiptNumber(year: number, sequence: number): string {
  return `${year}-${String(sequence).padStart(6, '0')}`;
}

export interface ReceiptFacts {
  donationId: string;
  donorId: string;
  status: string;
  kind: string;
  net: number;
  currency: string;
  installmentReceipts: string;
}

@Injectable()
export class ReceiptsRepository {
  /**
   * Sending a receipt once: its claim, send status and tries. A failed receipt retried by hand
   * is sent again; a resend clears its last error.
   */
  readonly receiptOutbox: OutboxTable;
  /** The same for a year-end statement (which keeps no pending_since: statements are not swept). */
  readonly statementOutbox: OutboxTable;

  constructor(
    @InjectRepository(Receipt) private readonly repo: Repository<Receipt>,
    env: Environment,
  ) {
    this.receiptOutbox = new OutboxTable(
      repo.manager.connection,
      {
        table: 'receipts',
        statusColumn: 'send_status',
        doneAtColumn: 'sent_at',
        pendingSince: true,
        reopenFailed: { noun: 'receipt', idKey: 'receiptId' },
        clearOnReset: ['last_error'],
      },
      outboxLeaseMs(env),
    );
    this.statementOutbox = new OutboxTable(
      repo.manager.connection,
      {
        table: 'statements',
        statusColumn: 'send_status',
        doneAtColumn: 'sent_at',
        pendingSince: false,
        reopenFailed: { noun: 'statement', idKey: 'statementId' },
      },
      outboxLeaseMs(env),
    );
  }

  /**
   * The next number of the year, from its counter row. The row stays locked until the
   * caller's transaction ends, and a rollback undoes the increment: no gaps, no duplicates.
   * Only the rare receipt voided before it was numbered takes one this way (see `voidCurrent`);
   * every other receipt is numbered by `numberOwed`.
   */
  async nextNumber(em: EntityManager, year: number): Promise<string> {
    const rows: { last: number }[] = await em.query(
      `INSERT INTO receipt_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = receipt_counters.last + 1 RETURNING last`,
      [year],
    );
    return receiptNumber(year, rows[0].last);
  }

  /** The years that have owed receipts (recorded by a payment, not yet numbered). */
  async owedYears(): Promise<number[]> {
    const rows: { year: number }[] = await this.repo.query(
      `SELECT DISTINCT year FROM receipts WHERE number IS NULL ORDER BY year`,
    );
    return rows.map((r) => r.year);
  }

  /** Whether the receipt is owed, and of which year: null when it is numbered or not there. */
  async owedYearOf(id: string): Promise<number | null> {
    const rows: { year: number }[] = await this.repo.query(
      `SELECT year FROM receipts WHERE id = $1 AND number IS NULL`,
      [id],
    );
    return rows[0]?.year ?? null;
  }

  /**
   * Numbers up to `limit` owed receipts of the year, the longest owed first, in one short
   * transaction: the counter row is locked, the receipts take the next numbers in a row and the
   * counter moves by as many, all or nothing, so a crash leaves neither a gap nor a duplicate.
   * A receipt whose row another transaction holds (a refund replacing or voiding it) is skipped
   * and numbered by the next batch. Returns the receipts numbered. Without `wait`, null at once
   * when another transaction holds the counter: that one is numbering, and whatever it leaves
   * owed is numbered by the next batch or by the receipt's own job before it sends.
   */
  async numberOwed(year: number, limit: number, wait: boolean): Promise<string[] | null> {
    return this.repo.manager.transaction(async (em) => {
      await em.query(
        `INSERT INTO receipt_counters (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING`,
        [year],
      );
      const counter: { last: number }[] = await em.query(
        `SELECT last FROM receipt_counters WHERE year = $1 FOR UPDATE${wait ? '' : ' SKIP LOCKED'}`,
        [year],
      );
      if (!counter.length) return null;
      const [{ last }] = counter;
      const owed: { id: string }[] = await em.query(
        `SELECT id FROM receipts WHERE year = $1 AND number IS NULL
          ORDER BY issued_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [year, limit],
      );
      if (!owed.length) return [];
      await em.query(
        `UPDATE receipts r SET number = t.number
           FROM unnest($1::uuid[], $2::text[]) AS t(id, number) WHERE r.id = t.id`,
        [owed.map((r) => r.id), owed.map((_, i) => receiptNumber(year, last + i + 1))],
      );
      await em.query(`UPDATE receipt_counters SET last = $2 WHERE year = $1`, [
        year,
        last + owed.length,
      ]);
      return owed.map((r) => r.id);
    });
  }

  /** What a donation's receipt depends on, read in the caller's transaction. */
  async factsFor(em: EntityManager, donationId: string): Promise<ReceiptFacts | null> {
    const rows: Record<string, unknown>[] = await em.query(
      `SELECT d.id, d.donor_id, d.status, d.kind, d.currency, d.received_currency,
              coalesce(d.received_amount, 0) - d.refunded_amount AS net, dn.installment_receipts
         FROM donations d JOIN donors dn ON dn.id = d.donor_id
        WHERE d.id = $1`,
      [donationId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      donationId: r.id as string,
      donorId: r.donor_id as string,
      status: r.status as string,
      kind: r.kind as string,
      net: Number(r.net),
      currency: ((r.received_currency as string) ?? (r.currency as string)).trim(),
      installmentReceipts: r.installment_receipts as string,
    };
  }

  /** The number of the donation's current receipt: null while it is owed, or when there is none. */
  async currentNumber(donationId: string): Promise<string | null> {
    return (await this.currentFor(this.repo.manager, donationId))?.number ?? null;
  }

  currentFor(em: EntityManager, donationId: string): Promise<Receipt | null> {
    return em.findOne(Receipt, {
      where: { donationId, status: 'issued' },
      order: { issuedAt: 'DESC' },
    });
  }

  async insert(em: EntityManager, receipt: Partial<Receipt>): Promise<string> {
    const saved = await em.save(Receipt, em.create(Receipt, receipt));
    return saved.id;
  }

  async replace(em: EntityManager, id: string): Promise<void> {
    await em.update(Receipt, { id }, { status: 'replaced' });
  }

  /**
   * Voids the receipt and answers its number. One voided while still owed is numbered here,
   * in the caller's transaction, so the void notice can name it: the update holds the row, so
   * `numberOwed` skips it meanwhile, and the number comes from the same counter.
   */
  async voidCurrent(em: EntityManager, id: string): Promise<string> {
    const [rows]: [{ number: string | null; year: number }[], number] = await em.query(
      `UPDATE receipts SET status = 'voided', voided_at = now() WHERE id = $1 RETURNING number, year`,
      [id],
    );
    const { number, year } = rows[0];
    if (number) return number;
    const assigned = await this.nextNumber(em, year);
    await em.update(Receipt, { id }, { number: assigned });
    return assigned;
  }

  findById(id: string): Promise<Receipt | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** A donor's receipts once numbered: an owed one is not a receipt to show yet. */
  listByDonor(donorId: string): Promise<Receipt[]> {
    return this.repo.find({
      where: { donorId, number: Not(IsNull()) },
      order: { issuedAt: 'DESC' },
    });
  }

  list(sendStatus: SendStatus | undefined, limit: number, before?: Date): Promise<Receipt[]> {
    const qb = this.repo.createQueryBuilder('r').orderBy('r.issued_at', 'DESC').limit(limit);
    if (sendStatus) qb.andWhere('r.send_status = :sendStatus', { sendStatus });
    if (before) qb.andWhere('r.issued_at < :before', { before });
    return qb.getMany();
  }

  /**
   * Everything a receipt's document shows, in one read. The name and address are the gift's
   * own, as sent with it; only the email comes from the donor.
   */
  async documentRow(
    id: string,
    em: EntityManager = this.repo.manager,
  ): Promise<Record<string, unknown> | null> {
    const rows: Record<string, unknown>[] = await em.query(
      `SELECT r.id, r.number, r.issued_at, r.type, r.status, r.amount, r.currency, r.send_status, r.donor_id,
              prev.number AS replaces_number, d.succeeded_at, d.tribute, d.anonymous, d.pledge_id, d.kind,
              c.title AS campaign_title, d.donor_name, d.donor_address, dn.email AS donor_email,
              dn.erased_at, p.interval AS pledge_interval
         FROM receipts r
         JOIN donations d ON d.id = r.donation_id
         JOIN donors dn ON dn.id = r.donor_id
         LEFT JOIN campaigns c ON c.id = d.campaign_id
         LEFT JOIN receipts prev ON prev.id = r.replaces_receipt_id
         LEFT JOIN pledges p ON p.id = d.pledge_id
        WHERE r.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** A donor's gifts of a year, net of refunds, with their current receipt numbers. */
  async yearGifts(donorId: string, year: number): Promise<Record<string, unknown>[]> {
    return this.repo.query(
      `SELECT d.succeeded_at, c.title AS campaign_title, coalesce(d.received_currency, d.currency) AS currency,
              d.received_amount - d.refunded_amount AS amount,
              (SELECT number FROM receipts r WHERE r.donation_id = d.id AND r.status = 'issued'
                ORDER BY issued_at DESC LIMIT 1) AS receipt_number
         FROM donations d LEFT JOIN campaigns c ON c.id = d.campaign_id
        WHERE d.donor_id = $1 AND d.status = 'succeeded'
          AND d.succeeded_at >= make_timestamptz($2, 1, 1, 0, 0, 0, 'UTC')
          AND d.succeeded_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'UTC')
          AND d.received_amount - d.refunded_amount > 0
        ORDER BY d.succeeded_at`,
      [donorId, year],
    );
  }

  /** Donors with gifts in the year: one statement row each (kept if already there). */
  async createStatements(year: number): Promise<string[]> {
    await this.repo.query(
      `INSERT INTO statements (donor_id, year)
       SELECT DISTINCT d.donor_id, $1::int FROM donations d JOIN donors dn ON dn.id = d.donor_id
        WHERE d.status = 'succeeded' AND dn.erased_at IS NULL
          AND d.succeeded_at >= make_timestamptz($1, 1, 1, 0, 0, 0, 'UTC')
          AND d.succeeded_at < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, 'UTC')
       ON CONFLICT (donor_id, year) DO NOTHING`,
      [year],
    );
    const rows: { id: string }[] = await this.repo.query(
      `SELECT id FROM statements WHERE year = $1 AND send_status = 'pending'`,
      [year],
    );
    return rows.map((r) => r.id);
  }

  async statement(
    id: string,
    em: EntityManager = this.repo.manager,
  ): Promise<{ id: string; donorId: string; year: number; sendStatus: string } | null> {
    const rows: { id: string; donor_id: string; year: number; send_status: string }[] =
      await em.query(`SELECT id, donor_id, year, send_status FROM statements WHERE id = $1`, [id]);
    const r = rows[0];
    return r ? { id: r.id, donorId: r.donor_id, year: r.year, sendStatus: r.send_status } : null;
  }

  /**
   * Whom to write to about a gift: the donor's email (null once erased) and the receipt name
   * sent with that gift, in the caller's transaction.
   */
  async giftContact(
    em: EntityManager,
    donationId: string,
  ): Promise<{ email: string | null } | null> {
    const rows: { email: string | null }[] = await em.query(
      `SELECT dn.email FROM donations d JOIN donors dn ON dn.id = d.donor_id
        WHERE d.id = $1 AND dn.erased_at IS NULL`,
      [donationId],
    );
    return rows[0] ?? null;
  }

  /** Where a donor's statement goes: their email, null once erased. */
  async donorEmail(donorId: string): Promise<string | null> {
    const rows: { email: string | null }[] = await this.repo.query(
      `SELECT email FROM donors WHERE id = $1 AND erased_at IS NULL`,
      [donorId],
    );
    return rows[0]?.email ?? null;
  }

  /**
   * The name a year-end statement is made out to: the receipt name of the donor's latest gift
   * of that year that was sent with one (null when none was, or the donor is erased).
   */
  async statementName(donorId: string, year: number): Promise<string | null> {
    const rows: { donor_name: string }[] = await this.repo.query(
      `SELECT d.donor_name FROM donations d JOIN donors dn ON dn.id = d.donor_id
        WHERE d.donor_id = $1 AND dn.erased_at IS NULL AND d.status = 'succeeded'
          AND d.donor_name IS NOT NULL
          AND d.succeeded_at >= make_timestamptz($2, 1, 1, 0, 0, 0, 'UTC')
          AND d.succeeded_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'UTC')
          AND d.received_amount - d.refunded_amount > 0
        ORDER BY d.succeeded_at DESC, d.created_at DESC LIMIT 1`,
      [donorId, year],
    );
    return rows[0]?.donor_name ?? null;
  }

  /**
   * Donor erasure, in the caller's transaction: the sending errors of the donor's receipts and
   * statements keep the fact (ERASED_ERROR), not the text, which a mail server's refusal fills
   * with the address (and may with the name). Returns how many were cleared.
   */
  async clearSendingErrors(em: EntityManager, donorId: string): Promise<number> {
    let cleared = 0;
    for (const table of ['receipts', 'statements'] as const) {
      // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
      const [, count]: [unknown, number] = await em.query(
        `UPDATE ${table} SET last_error = $2
          WHERE donor_id = $1 AND last_error IS NOT NULL AND last_error <> $2`,
        [donorId, ERASED_ERROR],
      );
      cleared += count;
    }
    return cleared;
  }
}
