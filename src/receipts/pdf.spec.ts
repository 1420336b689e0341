import { pdfText } from '../../test/support/pdf-text';
import { afmParses, drawLetterhead, renderPdf } from './pdf';

const letterhead = {
  name: 'Free the Seven',
  addressLines: ['1 Rue de la Paix'],
  registrationNumber: 'W123',
};
const render = () =>
  renderPdf((doc) => {
    drawLetterhead(doc, letterhead);
    doc.font('Helvetica').fontSize(12).text('Receipt 2026-000042: Maryam, EUR 25.50, AV To Wa');
  }, 'Receipt');

describe('renderPdf', () => {
  it('parses each standard font once, and documents read the same after', async () => {
    const first = await render();
    const again = await render();
    const parses = afmParses.count;
    const third = await render();
    await render();
    expect(parses).toBeGreaterThan(0);
    expect(afmParses.count).toBe(parses);
    expect(again.length).toBe(first.length);
    expect(third.length).toBe(first.length);
    // Widths and kerning from the shared metrics lay the text out as the first document did.
    const [a, b] = await Promise.all([pdfText(first), pdfText(third)]);
    expect(b).toBe(a);
    expect(a).toContain('Receipt 2026-000042: Maryam, EUR 25.50, AV To Wa');
  });
});
