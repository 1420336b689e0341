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

/** A short email: greeting, paragraphs, an optional button link, sign-off. */
export function simpleEmail(input: {
  subject: string;
  greetingName?: string | null;
  paragraphs: string[];
  action?: { label: string; url: string };
  organisation: string;
}): RenderedEmail {
  const greeting = input.greetingName ? `Dear ${input.greetingName},` : 'Hello,';
  const textParts = [greeting, '', ...input.paragraphs.flatMap((p) => [p, ''])];
  if (input.action) textParts.push(`${input.action.label}: ${input.action.url}`, '');
  textParts.push(`— ${input.organisation}`);
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    ...input.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    input.action
      ? `<p><a href="${escapeHtml(input.action.url)}">${escapeHtml(input.action.label)}</a></p>`
      : '',
    `<p>— ${escapeHtml(input.organisation)}</p>`,
  ].join('\n');
  return { subject: input.subject, text: textParts.join('\n'), html };
}
