import PDFDocument from 'pdfkit';

/** Renders a PDF with pdfkit's standard fonts into a buffer. */
export function renderPdf(draw: (doc: PDFKit.PDFDocument) => void, title: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title } });
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
