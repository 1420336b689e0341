/** Email bodies: plain text and HTML from the same facts, every interpolated value escaped. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/**
 * A paragraph: plain text, or pieces of it of which `{ isolate }` ones are names and titles a
 * person typed, in whatever script: the HTML sets them apart (`dir="auto"`), so that a Persian
 * name keeps its own direction without turning the sentence around it.
 */
export type Paragraph = string | (string | { isolate: string })[];

const plain = (p: Paragraph) =>
  typeof p === 'string'
    ? p
    : p.map((part) => (typeof part === 'string' ? part : part.isolate)).join('');

const html = (p: Paragraph) =>
  typeof p === 'string'
    ? escapeHtml(p)
    : p
        .map((part) =>
          typeof part === 'string'
            ? escapeHtml(part)
            : `<span dir="auto">${escapeHtml(part.isolate)}</span>`,
        )
        .join('');

// Inline styles only (email clients drop <style> and external files); system fonts, no images.
// Text #1f2937 on white and white on #1f2937 are 14.7:1; the button's white on #1d4ed8 is 6.7:1.
const FONT = "-apple-system, 'Segoe UI', Roboto, 'Noto Sans', Helvetica, Arial, sans-serif";
const P = 'margin:0 0 16px;';

/**
 * The page every email is: the organisation's name as its header, the content on white in a
 * column at most 600 px wide, readable without images, styles or the network.
 */
export function emailLayout(input: {
  subject: string;
  organisation: string;
  bodyHtml: string;
}): string {
  return [
    '<!doctype html>',
    '<html lang="en" dir="ltr">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${escapeHtml(input.subject)}</title>`,
    '</head>',
    `<body style="margin:0;padding:0;background:#f3f4f6;">`,
    `<div role="article" aria-label="${escapeHtml(input.subject)}" lang="en" style="max-width:600px;margin:0 auto;padding:24px 12px;font-family:${FONT};font-size:16px;line-height:1.5;color:#1f2937;">`,
    `<header style="background:#1f2937;color:#ffffff;padding:16px 24px;border-radius:6px 6px 0 0;font-size:20px;font-weight:bold;"><span dir="auto">${escapeHtml(input.organisation)}</span></header>`,
    `<main style="background:#ffffff;padding:24px;border-radius:0 0 6px 6px;">`,
    input.bodyHtml,
    '</main>',
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
}

/**
 * A short email: greeting, paragraphs, an optional button link, sign-off. The greeting names
 * no one: a name in our mail is whatever a request typed, and the address may not be that
 * person's (a stranger's words would open an email sent under the organisation's name).
 */
export function simpleEmail(input: {
  subject: string;
  paragraphs: Paragraph[];
  action?: { label: string; url: string };
  organisation: string;
}): RenderedEmail {
  const paragraphs = input.paragraphs.filter((p) => plain(p).trim() !== '');
  const greeting: Paragraph = 'Hello,';
  const textParts = [plain(greeting), '', ...paragraphs.flatMap((p) => [plain(p), ''])];
  if (input.action) textParts.push(`${input.action.label}: ${input.action.url}`, '');
  textParts.push(`— ${input.organisation}`);
  const body = [
    `<p style="${P}">${html(greeting)}</p>`,
    ...paragraphs.map((p) => `<p style="${P}">${html(p)}</p>`),
  ];
  if (input.action) {
    const url = escapeHtml(input.action.url);
    body.push(
      `<p style="margin:24px 0;"><a href="${url}" style="display:inline-block;background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:4px;font-weight:bold;text-decoration:none;">${escapeHtml(input.action.label)}</a></p>`,
      `<p style="${P}font-size:14px;color:#4b5563;">If the button does not work, copy this address into your browser:<br><a href="${url}" style="color:#1d4ed8;word-break:break-all;">${url}</a></p>`,
    );
  }
  body.push(
    `<p style="margin:24px 0 0;">— <span dir="auto">${escapeHtml(input.organisation)}</span></p>`,
  );
  return {
    subject: input.subject,
    text: textParts.join('\n'),
    html: emailLayout({
      subject: input.subject,
      organisation: input.organisation,
      bodyHtml: body.join('\n'),
    }),
  };
}
