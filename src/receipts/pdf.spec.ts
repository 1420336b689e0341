import { pdftotext } from '../../test/support/pdf-text';
import { ReceiptDocument, renderReceiptPdf, renderStatementPdf } from './receipt-document';

const receipt = (donorName: string, line1 = '1 Example Street'): ReceiptDocument => ({
  organisation: {
    name: 'Free the Seven',
    addressLines: ['1 Rue de la Paix'],
    registrationNumber: 'W123',
  },
  taxText: 'No goods or services were provided in exchange for this gift.',
  number: '2026-000042',
  issuedAt: new Date('2026-03-01T12:00:00Z'),
  type: 'original',
  replacesNumber: null,
  status: 'issued',
  donorName,
  donorAddress: { line1, city: 'Paris', postalCode: '75001', country: 'FR' },
  amount: 2550,
  currency: 'eur',
  campaignTitle: 'Free the Seven',
  giftDate: new Date('2026-03-01T12:00:00Z'),
  tribute: null,
  pledgeReference: null,
});

/** Every word pdftotext found, left to right as drawn, with the left edge of each. */
async function wordsOf(pdf: Buffer): Promise<{ x: number; y: number; text: string }[]> {
  const html = await pdftotext(pdf, '-bbox');
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)<\/word>/g)].map(
    (m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] }),
  );
}

describe('receipt PDFs in every script', () => {
  it.each([
    ['Persian', 'مریم رضایی'],
    // A zero-width non-joiner, and ژ after a ر (one skeleton, three dots): both read back.
    ['Persian with a non-joiner', 'مریم رجوی‌نژاد'],
    ['Arabic', 'فاطمة الزهراء'],
    ['Polish', 'Łukasz Żółć-Wąsik'],
    ['Chinese', '王秀英'],
    ['Greek and Cyrillic', 'Ελένη Παπαδοπούλου / Анна Иванова'],
  ])('a %s name reads back as written', async (_script, name) => {
    const text = await pdftotext(await renderReceiptPdf(receipt(name)));
    expect(text).toContain(`Received from: ${name}`);
    expect(text).toContain('Amount: €25.50');
    expect(text).toContain('No goods or services were provided in exchange for this gift.');
  });

  it('lays a right-to-left name out right to left, its first word rightmost', async () => {
    const words = await wordsOf(await renderReceiptPdf(receipt('مریم رضایی')));
    const from = words.find((w) => w.text === 'from:')!;
    // pdftotext -bbox gives the Arabic-script glyphs in drawn (visual) order, left to right:
    // read right to left, they must spell the name in its own order, "مریم" first.
    const drawn = words
      .filter((w) => Math.abs(w.y - from.y) < 8 && w.x > from.x)
      .map((w) => w.text)
      .join('');
    expect([...drawn].reverse().join('')).toBe('مریمرضایی');
  });

  it('keeps Persian digits in reading order in a right-to-left address line', async () => {
    const text = await pdftotext(await renderReceiptPdf(receipt('مریم رضایی', 'خیابان ولیعصر ۱۲')));
    expect(text).toMatch(/۱۲ خیابان ولیعصر|خیابان ولیعصر ۱۲/);
    expect(text).not.toContain('۲۱');
  });

  it('embeds only the glyphs used: a receipt stays small', async () => {
    for (const name of ['Maryam Rezaei', 'مریم رضایی', '王秀英']) {
      const pdf = await renderReceiptPdf(receipt(name));
      expect(pdf.length).toBeLessThan(20_000);
    }
  });

  it('wraps a long line at spaces and breaks pages in a long statement', async () => {
    const gifts = Array.from({ length: 80 }, (_, i) => ({
      date: new Date('2026-03-01T12:00:00Z'),
      // One row in Persian: poppler reads a page that is mostly Arabic script right to left.
      campaignTitle: i === 1 ? 'آزادی برای هفت نفر' : 'Free the Seven',
      receiptNumber: `2026-${String(i).padStart(6, '0')}`,
      amount: 1000,
      currency: 'eur',
    }));
    const pdf = await renderStatementPdf({
      organisation: { name: 'Free the Seven', addressLines: [], registrationNumber: '' },
      taxText: 'This statement lists every gift you made this year. '.repeat(6).trim(),
      year: 2026,
      donorName: 'مریم رضایی',
      gifts,
    });
    const text = await pdftotext(pdf);
    expect(text).toContain('For: مریم رضایی');
    expect(text).toContain('2026-000079');
    expect(text).toContain('آزادی برای هفت نفر');
    expect(text).toContain('Total 2026: €800.00');
    expect((text.match(/\f/g) ?? []).length).toBeGreaterThanOrEqual(2); // pages
    const words = await wordsOf(pdf);
    expect(Math.max(...words.map((w) => w.x))).toBeLessThan(595 - 56);
  });
});
