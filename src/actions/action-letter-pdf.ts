import { drawLetterhead, Letterhead, renderPdf, writeText } from '../common/pdf/pdf';

/** One signer as the target reads them: never an email address, a date finer than the day. */
export interface DeliveredSigner {
  name: string;
  /** ISO 3166 alpha-2. */
  country: string;
  comment: string | null;
  letterVersion: number;
}

/** One version of the letter, and how many of this delivery's signers endorsed it. */
export interface DeliveredLetter {
  version: number;
  subject: string;
  body: string;
  signatures: number;
}

/** Everything a delivery's PDF shows, loaded once: rendering is a pure function of it. */
export interface DeliveryDocument {
  organisation: Letterhead;
  campaignTitle: string;
  actionTitle: string;
  targetName: string;
  /** The day the delivery was made, YYYY-MM-DD. */
  date: string;
  /** The versions its signers endorsed, the current one (the email's) first. */
  letters: DeliveredLetter[];
  signers: DeliveredSigner[];
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** `Iran (IR)`: the country's English name, and its code for a reader in any language. */
export function countryLabel(code: string): string {
  let name: string | undefined;
  try {
    name = regionNames.of(code);
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${name} (${code})` : code;
}

/** "12 signatures": the count with its noun. */
export const signatureCount = (n: number): string => `${n} signature${n === 1 ? '' : 's'}`;

/** The lines above the list: what this is, to whom, how many, and for which letter version. */
export function deliveryHeading(d: DeliveryDocument): string[] {
  const total = d.signers.length;
  const lines = [
    `Signatures: ${d.actionTitle}`,
    `To: ${d.targetName}`,
    `Campaign: ${d.campaignTitle}`,
    `Date: ${d.date}`,
    `Signatures in this delivery: ${total}`,
  ];
  if (d.letters.length > 1) {
    for (const l of d.letters) {
      lines.push(`Letter version ${l.version} (“${l.subject}”): ${signatureCount(l.signatures)}`);
    }
  }
  return lines;
}

/**
 * The list of signers the target receives: name, country and comment of each, in the order
 * they confirmed; names and comments in any script (right-to-left ones shaped and ordered as
 * receipts are). When the signers endorsed several versions of the letter, each signer's
 * version is named and the earlier versions' text follows the list.
 */
export function renderDeliveryPdf(d: DeliveryDocument): Promise<Buffer> {
  const several = d.letters.length > 1;
  return renderPdf((doc) => {
    drawLetterhead(doc, d.organisation);
    const [title, ...rest] = deliveryHeading(d);
    writeText(doc, title, { size: 14, weight: 'bold' });
    for (const line of rest) writeText(doc, line, { size: 11 });
    doc.y += 12;
    // Each name ends its line, as on receipts: a right-to-left name followed by more text on
    // the same line would read out of order (its neutral separators take the line's direction).
    d.signers.forEach((s, i) => {
      writeText(doc, `${i + 1}. ${s.name}`, { size: 11, weight: 'bold' });
      const version = several ? `, letter version ${s.letterVersion}` : '';
      writeText(doc, `Country: ${countryLabel(s.country)}${version}`, { size: 10 });
      if (s.comment) writeText(doc, `Comment: ${s.comment}`, { size: 10 });
      doc.y += 4;
    });
    if (several) {
      for (const l of d.letters.slice(1)) {
        doc.y += 12;
        writeText(doc, `Letter version ${l.version}: ${l.subject}`, { size: 12, weight: 'bold' });
        for (const paragraph of l.body.split(/\n/)) writeText(doc, paragraph, { size: 10 });
      }
    }
  }, `Signatures: ${d.actionTitle}`);
}
