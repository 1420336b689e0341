/**
 * A local mail catcher: an SMTP server that accepts every message (any login or none, no TLS)
 * and keeps it in memory, parsed, plus a small HTTP server to read what arrived.
 *
 * Used by the e2e tests (in process, random ports) and by `npm run dev` (1025/1080).
 */
import { EventEmitter, once } from 'node:events';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AddressObject, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export interface CaughtAttachment {
  filename: string | undefined;
  contentType: string;
  content: Buffer;
}

export interface CaughtMail {
  /** Catcher-local id, used in the HTTP paths. */
  id: string;
  messageId: string | undefined;
  /** The From header, formatted by mailparser, e.g. `"Campaign receipts" <receipts@localhost>`. */
  from: string;
  /** Addresses of the To header (the envelope recipients when the header has none). */
  to: string[];
  cc: string[];
  /** What the SMTP client said in MAIL FROM / RCPT TO (includes Bcc recipients). */
  envelope: { from: string | undefined; to: string[] };
  subject: string;
  text: string;
  html: string | undefined;
  attachments: CaughtAttachment[];
  /** Header names in lower case; a repeated header's values are joined with a newline. */
  headers: Record<string, string>;
  receivedAt: Date;
  raw: string;
}

/** An attachment as the HTTP API describes it; its bytes are served at `url`. */
export interface AttachmentJson {
  filename: string | undefined;
  contentType: string;
  size: number;
  url: string;
}

/** A message in the list at GET /messages: without its headers and source, dates as ISO text. */
export interface MailSummaryJson extends Omit<
  CaughtMail,
  'attachments' | 'headers' | 'raw' | 'receivedAt'
> {
  receivedAt: string;
  attachments: AttachmentJson[];
}

/** One message at GET /messages/:id: the summary, its headers and its source. */
export interface MailDetailJson extends MailSummaryJson {
  headers: Record<string, string>;
  raw: string;
}

export interface MailCatcherOptions {
  /** 0 = a free port chosen by the system. Default 0. */
  smtpPort?: number;
  /** 0 = a free port chosen by the system. Default 0. */
  httpPort?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
}

export interface MailCatcher {
  smtpPort: number;
  httpPort: number;
  /** e.g. `smtp://127.0.0.1:1025`, usable as the service's SMTP_URL. */
  smtpUrl: string;
  /** e.g. `http://127.0.0.1:1080`. */
  httpUrl: string;
  /** Every message caught so far, oldest first. */
  messages(): CaughtMail[];
  /** Resolves with the first message (already caught or still to come) matching the predicate. */
  waitFor(predicate: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  clear(): void;
  close(): Promise<void>;
  /** Called for every message as it arrives. */
  on(event: 'mail', listener: (mail: CaughtMail) => void): void;
  /**
   * Makes the server refuse every message with this SMTP reply code (4xx: try again later,
   * 5xx: refused for good) until called again with null. For outage drills.
   */
  refuse(code: number | null): void;
  /**
   * Makes the server refuse, at RCPT TO, every recipient address matching this pattern, with
   * `550 5.1.1 <address>: Recipient address rejected` (quoting it, as real servers do), until
   * called again with null.
   */
  rejectRecipients(pattern: RegExp | null): void;
  /**
   * Makes the server wait before it answers RCPT TO for every recipient address matching this
   * pattern, as a slow mail server would, until called again with null, which answers the
   * waiting ones (and holds no more).
   */
  holdRecipients(pattern: RegExp | null): void;
  /** How many RCPT TO answers are held now. */
  held(): number;
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export async function startMailCatcher(opts: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  const store: CaughtMail[] = [];
  const events = new EventEmitter();
  let nextId = 1;
  let refusal: number | null = null;
  let rejected: RegExp | null = null;
  let holding: RegExp | null = null;
  let waiting: (() => void)[] = [];
  const answerWaiting = () => {
    const answers = waiting;
    waiting = [];
    for (const answer of answers) answer();
  };

  const smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: 'mail catcher',
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onRcptTo(address, _session, callback) {
      if (rejected?.test(address.address)) {
        return callback(
          Object.assign(
            new Error(`5.1.1 <${address.address}>: Recipient address rejected: user unknown`),
            { responseCode: 550 },
          ),
        );
      }
      if (holding?.test(address.address)) {
        waiting.push(() => callback());
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      if (refusal !== null) {
        stream.resume();
        stream.on('end', () =>
          callback(
            Object.assign(new Error('Refused by the mail catcher'), { responseCode: refusal }),
          ),
        );
        return;
      }
      receive(stream, session).then(
        (mail) => {
          store.push(mail);
          events.emit('mail', mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });

  async function receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
  ): Promise<CaughtMail> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) {
      throw Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 });
    }
    const raw = Buffer.concat(chunks);
    const parsed = await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true });
    const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
    const headerTo = addresses(parsed.to);
    return {
      id: String(nextId++),
      messageId: parsed.messageId,
      from: parsed.from?.text ?? '',
      to: headerTo.length > 0 ? headerTo : envelopeTo,
      cc: addresses(parsed.cc),
      envelope: {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
        to: envelopeTo,
      },
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: parsed.html === false ? undefined : parsed.html,
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
      })),
      headers: headerRecord(parsed.headerLines),
      receivedAt: new Date(),
      raw: raw.toString('utf8'),
    };
  }

  const http = createServer((req, res) => {
    try {
      route(req, res);
    } catch (err) {
      send(res, 500, 'text/plain; charset=utf-8', `mail catcher error: ${String(err)}\n`);
    }
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://catcher').pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);

    if (method === 'DELETE' && path === '/messages') {
      store.length = 0;
      res.writeHead(204).end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
      return;
    }
    if (path === '/') {
      send(res, 200, 'text/html; charset=utf-8', indexPage(store));
      return;
    }
    if (parts[0] !== 'messages') {
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
      return;
    }
    if (parts.length === 1) {
      sendJson(res, 200, store.map(summaryJson));
      return;
    }
    const mail = store.find((m) => m.id === parts[1]);
    if (!mail) {
      sendJson(res, 404, { error: `no message with id ${parts[1]}` });
      return;
    }
    if (parts.length === 2) {
      sendJson(res, 200, detailJson(mail));
    } else if (parts.length === 3 && parts[2] === 'html') {
      sendMailHtml(res, mail);
    } else if (parts.length === 4 && parts[2] === 'attachments') {
      const attachment = mail.attachments[Number(parts[3])];
      if (!/^\d+$/.test(parts[3]) || !attachment) {
        sendJson(res, 404, { error: `message ${mail.id} has no attachment ${parts[3]}` });
        return;
      }
      const filename = attachment.filename ?? `attachment-${parts[3]}`;
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; ` +
          `filename*=UTF-8''${encodeURIComponent(filename)}`,
      );
      send(res, 200, attachment.contentType, attachment.content);
    } else {
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  }

  /** Shows the message's own HTML, sandboxed: no scripts, no outside requests. */
  function sendMailHtml(res: ServerResponse, mail: CaughtMail): void {
    res.setHeader(
      'Content-Security-Policy',
      "sandbox; default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'",
    );
    const body =
      mail.html ??
      `<!doctype html><meta charset="utf-8"><title>${escapeHtml(mail.subject)}</title>` +
        `<pre>${escapeHtml(mail.text)}</pre>`;
    send(res, 200, 'text/html; charset=utf-8', body);
  }

  function summaryJson(mail: CaughtMail): MailSummaryJson {
    const { raw: _raw, headers: _headers, attachments, receivedAt, ...rest } = mail;
    return {
      ...rest,
      receivedAt: receivedAt.toISOString(),
      attachments: attachments.map((a, index) => ({
        filename: a.filename,
        contentType: a.contentType,
        size: a.content.length,
        url: `/messages/${mail.id}/attachments/${index}`,
      })),
    };
  }

  function detailJson(mail: CaughtMail): MailDetailJson {
    return { ...summaryJson(mail), headers: mail.headers, raw: mail.raw };
  }

  smtp.listen(opts.smtpPort ?? 0, host);
  await Promise.race([
    once(smtp.server, 'listening'),
    once(smtp, 'error').then(([err]) => Promise.reject(err as Error)),
  ]);
  // Errors of single client connections are not the catcher's concern; keep serving.
  smtp.on('error', () => undefined);
  try {
    http.listen(opts.httpPort ?? 0, host);
    await once(http, 'listening');
  } catch (err) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw err;
  }

  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const httpPort = (http.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const hostPart = urlHost.includes(':') ? `[${urlHost}]` : urlHost;

  return {
    smtpPort,
    httpPort,
    smtpUrl: `smtp://${hostPart}:${smtpPort}`,
    httpUrl: `http://${hostPart}:${httpPort}`,
    messages: () => [...store],
    refuse: (code) => {
      refusal = code;
    },
    rejectRecipients: (pattern) => {
      rejected = pattern;
    },
    holdRecipients: (pattern) => {
      holding = pattern;
      if (!pattern) answerWaiting();
    },
    held: () => waiting.length,
    waitFor(predicate, timeoutMs = 10_000) {
      const found = store.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<CaughtMail>((resolve, reject) => {
        const onMail = (mail: CaughtMail): void => {
          if (!predicate(mail)) return;
          clearTimeout(timer);
          events.off('mail', onMail);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          events.off('mail', onMail);
          const seen = store.map((m) => JSON.stringify(m.subject)).join(', ') || 'none';
          reject(new Error(`No matching mail within ${timeoutMs} ms (caught: ${seen})`));
        }, timeoutMs);
        events.on('mail', onMail);
      });
    },
    clear() {
      store.length = 0;
    },
    async close() {
      holding = null;
      answerWaiting();
      http.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => http.close(() => resolve())),
      ]);
    },
    on(event, listener) {
      events.on(event, listener);
    },
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects
    .flatMap((o) => o.value)
    .flatMap((a) => (a.group ? a.group : [a]))
    .map((a) => a.address ?? '')
    .filter(Boolean);
}

function headerRecord(lines: ReadonlyArray<{ key: string; line: string }>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    headers[key] = key in headers ? `${headers[key]}\n${value}` : value;
  }
  return headers;
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function indexPage(store: CaughtMail[]): string {
  const rows = [...store]
    .reverse()
    .map((m) => {
      const base = `/messages/${encodeURIComponent(m.id)}`;
      const files = m.attachments
        .map(
          (a, i) =>
            `<a href="${base}/attachments/${i}">${escapeHtml(a.filename ?? `attachment ${i}`)}</a>`,
        )
        .join(', ');
      return (
        `<tr><td><a href="${base}/html">${escapeHtml(m.subject || '(no subject)')}</a></td>` +
        `<td>${escapeHtml(m.to.join(', '))}</td>` +
        `<td><time datetime="${m.receivedAt.toISOString()}">${escapeHtml(m.receivedAt.toISOString())}</time></td>` +
        `<td>${files}</td><td><a href="${base}">json</a></td></tr>`
      );
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Mail catcher (${store.length})</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid #ddd; }
</style>
</head>
<body>
<h1>Mail catcher</h1>
<p>${store.length} message(s), newest first. <a href="/messages">All as JSON</a>.</p>
<table>
<thead><tr><th>Subject</th><th>To</th><th>Received</th><th>Attachments</th><th></th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5">No mail yet.</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body, null, 2));
}
