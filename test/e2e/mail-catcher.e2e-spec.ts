import { createTransport, Transporter } from 'nodemailer';
import {
  MailCatcher,
  MailDetailJson,
  MailSummaryJson,
  startMailCatcher,
} from '../support/mail-catcher/mail-catcher';

describe('mail catcher', () => {
  let catcher: MailCatcher;
  let transport: Transporter;

  // Bytes that are not valid UTF-8, so a text round trip would corrupt them.
  const pdf = Buffer.concat([
    Buffer.from('%PDF-1.4\n'),
    Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x81]),
    Buffer.from('\n%%EOF\n'),
  ]);

  beforeAll(async () => {
    catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    // Logs in, as a production SMTP relay would ask; the catcher accepts any login.
    transport = createTransport({ url: catcher.smtpUrl, auth: { user: 'any', pass: 'thing' } });
  });

  afterAll(async () => {
    transport.close();
    await catcher.close();
  });

  beforeEach(() => catcher.clear());

  async function sendReceipt(): Promise<string> {
    const info = await transport.sendMail({
      from: 'Campaign receipts <receipts@localhost>',
      to: ['Amina Rahimi <amina@example.org>', 'board@example.org'],
      bcc: 'audit@example.org',
      subject: 'Your receipt R-2024-0001 <thank you>',
      text: 'Thank you for your donation of €25.00.',
      html: '<p>Thank you for your donation of <strong>€25.00</strong>.</p>',
      attachments: [
        { filename: 'receipt R-2024-0001.pdf', content: pdf, contentType: 'application/pdf' },
      ],
    });
    return info.messageId as string;
  }

  it('parses what nodemailer sends, attachment bytes included', async () => {
    const messageId = await sendReceipt();

    const mail = await catcher.waitFor((m) => m.subject.startsWith('Your receipt'), 5000);
    expect(catcher.messages()).toHaveLength(1);
    expect(mail.messageId).toBe(messageId);
    expect(mail.from).toBe('"Campaign receipts" <receipts@localhost>');
    expect(mail.to).toEqual(['amina@example.org', 'board@example.org']);
    expect(mail.envelope.to).toEqual([
      'amina@example.org',
      'board@example.org',
      'audit@example.org',
    ]);
    expect(mail.subject).toBe('Your receipt R-2024-0001 <thank you>');
    expect(mail.text.trim()).toBe('Thank you for your donation of €25.00.');
    expect(mail.html).toContain('<strong>€25.00</strong>');
    expect(mail.headers['subject']).toBeDefined();
    expect(mail.headers['bcc']).toBeUndefined();
    expect(mail.raw).toContain('Content-Type: multipart/mixed');
    expect(mail.receivedAt).toBeInstanceOf(Date);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0].filename).toBe('receipt R-2024-0001.pdf');
    expect(mail.attachments[0].contentType).toBe('application/pdf');
    expect(mail.attachments[0].content.equals(pdf)).toBe(true);
  });

  it('serves the same over HTTP, with HTML escaped in the list', async () => {
    await sendReceipt();
    const [mail] = catcher.messages();

    const list = await fetch(`${catcher.httpUrl}/messages`);
    expect(list.status).toBe(200);
    const listed = (await list.json()) as MailSummaryJson[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: mail.id,
      subject: 'Your receipt R-2024-0001 <thank you>',
      to: ['amina@example.org', 'board@example.org'],
      attachments: [
        {
          filename: 'receipt R-2024-0001.pdf',
          contentType: 'application/pdf',
          size: pdf.length,
          url: `/messages/${mail.id}/attachments/0`,
        },
      ],
    });

    const one = await fetch(`${catcher.httpUrl}/messages/${mail.id}`);
    expect(one.status).toBe(200);
    const detail = (await one.json()) as MailDetailJson;
    expect(detail.text.trim()).toBe('Thank you for your donation of €25.00.');
    expect(detail.headers['message-id']).toBe(mail.messageId);
    expect(new Date(detail.receivedAt).getTime()).toBe(mail.receivedAt.getTime());

    const attachment = await fetch(`${catcher.httpUrl}${listed[0].attachments[0].url}`);
    expect(attachment.status).toBe(200);
    expect(attachment.headers.get('content-type')).toBe('application/pdf');
    expect(attachment.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''receipt%20R-2024-0001.pdf",
    );
    expect(Buffer.from(await attachment.arrayBuffer()).equals(pdf)).toBe(true);

    const html = await fetch(`${catcher.httpUrl}/messages/${mail.id}/html`);
    expect(html.headers.get('content-security-policy')).toContain('sandbox');
    expect(await html.text()).toContain('<strong>€25.00</strong>');

    const index = await (await fetch(`${catcher.httpUrl}/`)).text();
    expect(index).toContain('Your receipt R-2024-0001 &lt;thank you&gt;');
    expect(index).not.toContain('<thank you>');
    expect(index).toContain(`href="/messages/${mail.id}/html"`);

    expect((await fetch(`${catcher.httpUrl}/messages/999`)).status).toBe(404);
    expect((await fetch(`${catcher.httpUrl}/messages/${mail.id}/attachments/1`)).status).toBe(404);

    const deleted = await fetch(`${catcher.httpUrl}/messages`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(catcher.messages()).toEqual([]);
    expect(await (await fetch(`${catcher.httpUrl}/messages`)).json()).toEqual([]);
  });

  it('accepts mail without a login and waits for mail still to come', async () => {
    const anonymous = createTransport(catcher.smtpUrl);
    const waiting = catcher.waitFor((m) => m.to.includes('later@example.org'), 5000);
    await anonymous.sendMail({
      from: 'receipts@localhost',
      to: 'later@example.org',
      subject: 'Plain',
      text: 'No html part.',
    });
    anonymous.close();

    const mail = await waiting;
    expect(mail.html).toBeUndefined();
    const body = await (await fetch(`${catcher.httpUrl}/messages/${mail.id}/html`)).text();
    expect(body).toContain('<pre>No html part.');
  });

  it('rejects waitFor after the timeout, naming what did arrive', async () => {
    await sendReceipt();
    await expect(catcher.waitFor((m) => m.subject === 'never sent', 200)).rejects.toThrow(
      /No matching mail within 200 ms \(caught: "Your receipt/,
    );
  });
});
