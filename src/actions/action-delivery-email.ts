import { emailLayout, escapeHtml, RenderedEmail } from '../mail/templates';
import { DeliveryDocument, signatureCount } from './action-letter-pdf';

const P = 'margin:0 0 16px;';

/**
 * The email a delivery sends its target: staff's note (if any), the letter as signed (its
 * current version), how many signed it in this delivery (per version, when several), and
 * where the list is (the attached PDF). It names no signer: names are in the PDF only.
 */
export function deliveryEmail(d: DeliveryDocument, note: string | null): RenderedEmail {
  const [current, ...earlier] = d.letters;
  const total = d.signers.length;
  const counting =
    earlier.length === 0
      ? `${signatureCount(total)} in this delivery, collected by ${d.organisation.name} for "${d.campaignTitle}".`
      : `${signatureCount(total)} in this delivery, collected by ${d.organisation.name} for "${d.campaignTitle}": ` +
        d.letters
          .map(
            (l) =>
              `${signatureCount(l.signatures)} for version ${l.version} of the letter` +
              (l.version === current.version ? ' (the text above)' : ''),
          )
          .join(', ') +
        '. The earlier versions are at the end of the attached list.';
  const paragraphs = [
    ...(note ? [note] : []),
    ...current.body.split(/\n\s*\n/).map((p) => p.trim()),
    counting,
    'The attached PDF lists each signer’s name, country and comment.',
  ].filter((p) => p !== '');
  const text = [...paragraphs.flatMap((p) => [p, '']), `— ${d.organisation.name}`].join('\n');
  const body = [
    ...paragraphs.map(
      (p) => `<p style="${P}" dir="auto">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`,
    ),
    `<p style="margin:24px 0 0;">— <span dir="auto">${escapeHtml(d.organisation.name)}</span></p>`,
  ];
  return {
    subject: current.subject,
    text,
    html: emailLayout({
      subject: current.subject,
      organisation: d.organisation.name,
      bodyHtml: body.join('\n'),
    }),
  };
}
