import { pdftotext } from '../../test/support/pdf-text';
import { deliveryEmail } from './action-delivery-email';
import { countryLabel, DeliveryDocument, renderDeliveryPdf } from './action-letter-pdf';

const document = (overrides: Partial<DeliveryDocument> = {}): DeliveryDocument => ({
  organisation: { name: 'Free the Seven', addressLines: [], registrationNumber: '' },
  campaignTitle: 'Release the seven',
  actionTitle: 'Write to the UN',
  targetName: 'UN Working Group',
  date: '2026-12-07',
  letters: [{ version: 1, subject: 'Free them', body: 'Dear members,\n\nAct now.', signatures: 2 }],
  signers: [
    { name: 'مریم رضایی', country: 'IR', comment: 'برای آزادی', letterVersion: 1 },
    { name: 'Łukasz Żółć', country: 'PL', comment: null, letterVersion: 1 },
  ],
  ...overrides,
});

/** The PDF's text lines, blank ones (spacing, the page break) left out. */
const textOf = async (pdf: Buffer) =>
  (await pdftotext(pdf))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n');

describe('a delivery’s PDF and email', () => {
  it('lists every signer with country and comment, a Persian name as written', async () => {
    const text = await textOf(await renderDeliveryPdf(document()));
    expect(text).toContain('Signatures in this delivery: 2');
    expect(text).toContain('1. مریم رضایی\nCountry: Iran (IR)\nComment: برای آزادی');
    expect(text).toContain('Comment: برای آزادی');
    expect(text).toContain('2. Łukasz Żółć\nCountry: Poland (PL)');
    expect(text).not.toContain('Letter version');
  });

  it('names each signer’s letter version, counts per version and gives the earlier text when several were signed', async () => {
    const several = document({
      letters: [
        { version: 2, subject: 'Free them now', body: 'Second text.', signatures: 1 },
        { version: 1, subject: 'Free them', body: 'First text.', signatures: 1 },
      ],
      signers: [
        { name: 'Early Signer', country: 'FR', comment: null, letterVersion: 1 },
        { name: 'Late Signer', country: 'DE', comment: null, letterVersion: 2 },
      ],
    });
    const text = await textOf(await renderDeliveryPdf(several));
    expect(text).toContain('Letter version 2 (“Free them now”): 1 signature');
    expect(text).toContain('Letter version 1 (“Free them”): 1 signature');
    expect(text).toContain('1. Early Signer\nCountry: France (FR), letter version 1');
    expect(text).toContain('Letter version 1: Free them');
    expect(text).toContain('First text.');
    const email = deliveryEmail(several, null);
    expect(email.subject).toBe('Free them now');
    expect(email.text).toContain('Second text.');
    expect(email.text).toContain(
      '2 signatures in this delivery, collected by Free the Seven for "Release the seven": 1 signature for version 2 of the letter (the text above), 1 signature for version 1 of the letter.',
    );
    expect(email.text).not.toContain('Early Signer');
  });

  it('escapes what staff typed in the email’s HTML', () => {
    const email = deliveryEmail(
      document({
        letters: [{ version: 1, subject: 'S', body: '<b>Act</b> & <script>', signatures: 2 }],
      }),
      'Note <i>',
    );
    expect(email.html).toContain('&lt;b&gt;Act&lt;/b&gt; &amp; &lt;script&gt;');
    expect(email.html).toContain('Note &lt;i&gt;');
    expect(email.html).not.toContain('<script>');
  });

  it('labels countries by name and code, and an unknown code by itself', () => {
    expect(countryLabel('IQ')).toBe('Iraq (IQ)');
    expect(countryLabel('XZ')).toBe('XZ');
  });
});
