import PDFDocument from 'pdfkit';

interface ParsedAfm {
  attributes: unknown;
  glyphWidths: unknown;
  boundingBoxes: unknown;
  kernPairs: unknown;
}
type AfmParser = { prototype: ParsedAfm & { parse(contents: string): void } };

/** How many times a standard font's metrics were actually parsed (for the test). */
export const afmParses = { count: 0 };

/**
 * pdfkit reads and parses a standard font's metrics file (AFM, ~80 kB of text) for every
 * document and every font it uses: a tenth of a worker's CPU when it renders receipts by the
 * thousand (docs/performance.md). The parsed metrics never change, so parse each file once and
 * share the read-only tables. pdfkit does not export its AFM parser; it is reached through the
 * first document's font, and if a pdfkit upgrade moves it, documents simply parse as before.
 */
function shareStandardFontMetrics(doc: PDFKit.PDFDocument): void {
  const font = (doc as unknown as { _font?: { font?: object } })._font?.font;
  const parser = font?.constructor as AfmParser | undefined;
  const parse = parser?.prototype?.parse;
  if (!parser || typeof parse !== 'function' || shared) return;
  shared = true;
  const parsed = new Map<string, ParsedAfm>();
  parser.prototype.parse = function (this: ParsedAfm, contents: string) {
    const known = parsed.get(contents);
    if (known) return void Object.assign(this, known);
    afmParses.count += 1;
    parse.call(this, contents);
    const { attributes, glyphWidths, boundingBoxes, kernPairs } = this;
    parsed.set(contents, { attributes, glyphWidths, boundingBoxes, kernPairs });
  };
}
let shared = false;

/** Renders a PDF with pdfkit's standard fonts into a buffer. */
export function renderPdf(draw: (doc: PDFKit.PDFDocument) => void, title: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title } });
    shareStandardFontMetrics(doc);
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}

export interface Letterhead {
  name: string;
  addressLines: string[];
  registrationNumber: string;
}

export function drawLetterhead(doc: PDFKit.PDFDocument, org: Letterhead): void {
  doc.font('Helvetica-Bold').fontSize(16).text(org.name);
  doc.font('Helvetica').fontSize(10);
  for (const line of org.addressLines) doc.text(line);
  if (org.registrationNumber) doc.text(`Registration number: ${org.registrationNumber}`);
  doc.moveDown(1.5);
}
