import { formatMoney } from '../common/money/currency';
import { PostalAddress } from '../donors/donor.entity';
import { Tribute } from '../donations/donation.entity';
import { drawLetterhead, Letterhead, renderPdf, writeText } from '../common/pdf/pdf';

/** Everything a receipt shows, loaded once: rendering is a pure function of it. */
export interface ReceiptDocument {
  organisation: Letterhead;
  taxText: string;
  number: string;
  issuedAt: Date;
  type: 'original' | 'correction';
  replacesNumber: string | null;
  status: 'issued' | 'replaced' | 'voided';
  donorName: string | null;
  donorAddress: PostalAddress | null;
  amount: number;
  currency: string;
  campaignTitle: string;
  giftDate: Date;
  tribute: Tribute | null;
  pledgeReference: string | null;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * A pledge's interval as its receipts word it ("quarterly pledge 1a2b3c4d"). The pledges module
 * owns the intervals, but receipts may not import it: src/pledges/pledge-interval.spec.ts checks they agree.
 */
export const PLEDGE_CADENCE: Readonly<Record<string, string>> = {
  week: 'weekly',
  month: 'monthly',
  quarter: 'quarterly',
  year: 'yearly',
};

export function receiptLines(r: ReceiptDocument): string[] {
  const lines = [
    r.type === 'correction' ? `Corrected receipt ${r.number}` : `Receipt ${r.number}`,
    `Date of receipt: ${day(r.issuedAt)}`,
  ];
  if (r.replacesNumber) lines.push(`This receipt replaces receipt ${r.replacesNumber}.`);
  if (r.status === 'voided') lines.push('VOID: this gift was refunded in full.');
  lines.push('');
  if (r.donorName) lines.push(`Received from: ${r.donorName}`);
  if (r.donorAddress) {
    const a = r.donorAddress;
    lines.push(
      ...[a.line1, a.line2, [a.postalCode, a.city].join(' '), a.state, a.country].filter(
        (l): l is string => !!l,
      ),
    );
  }
  lines.push(
    '',
    `Amount: ${formatMoney(r.amount, r.currency)}`,
    `Gift received on: ${day(r.giftDate)}`,
    `Campaign: ${r.campaignTitle}`,
  );
  if (r.tribute)
    lines.push(
      `${r.tribute.kind === 'in_memory_of' ? 'In memory of' : 'In honour of'} ${r.tribute.name}`,
    );
  if (r.pledgeReference) lines.push(`Recurring gift: ${r.pledgeReference}`);
  lines.push('', r.taxText);
  return lines;
}

export function renderReceiptPdf(r: ReceiptDocument): Promise<Buffer> {
  return renderPdf((doc) => {
    drawLetterhead(doc, r.organisation);
    for (const line of receiptLines(r)) writeText(doc, line, { size: 12 });
  }, `Receipt ${r.number}`);
}

export interface StatementDocument {
  organisation: Letterhead;
  taxText: string;
  year: number;
  donorName: string | null;
  gifts: {
    date: Date;
    campaignTitle: string;
    receiptNumber: string | null;
    amount: number;
    currency: string;
  }[];
}

/** Totals per currency: gifts in several currencies are never added together. */
export function statementTotals(s: StatementDocument): { currency: string; amount: number }[] {
  const totals = new Map<string, number>();
  for (const g of s.gifts) totals.set(g.currency, (totals.get(g.currency) ?? 0) + g.amount);
  return [...totals].map(([currency, amount]) => ({ currency, amount }));
}

export function statementLines(s: StatementDocument): string[] {
  return [
    `Year-end statement ${s.year}`,
    s.donorName ? `For: ${s.donorName}` : '',
    '',
    ...s.gifts.map(
      (g) =>
        `${day(g.date)}  ${g.campaignTitle}  ${g.receiptNumber ?? ''}  ${formatMoney(g.amount, g.currency)}`,
    ),
    '',
    ...statementTotals(s).map((t) => `Total ${s.year}: ${formatMoney(t.amount, t.currency)}`),
    '',
    s.taxText,
  ];
}

export function renderStatementPdf(s: StatementDocument): Promise<Buffer> {
  return renderPdf((doc) => {
    drawLetterhead(doc, s.organisation);
    for (const line of statementLines(s)) writeText(doc, line, { size: 11 });
  }, `Statement ${s.year}`);
}
