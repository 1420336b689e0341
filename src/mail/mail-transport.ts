import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import SMTPPool from 'nodemailer/lib/smtp-pool';
import { Environment } from '../common/config/environment';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per email, so a resend after a crash is recognisable as the same message. */
  messageId: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** SMTP through nodemailer, from SMTP_URL and MAIL_FROM. */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly transporter: Transporter;

  constructor(private readonly env: Environment) {
    // Pooled: one SMTP session per connection carries many messages (no TCP + EHLO per email).
    this.transporter = nodemailer.createTransport(
      { url: env.SMTP_URL, pool: true, maxConnections: 4 } as SMTPPool.Options,
      { from: env.MAIL_FROM },
    );
  }

  async send(message: MailMessage): Promise<void> {
    await this.transporter.sendMail({
      from: this.env.MAIL_FROM,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: message.messageId,
      attachments: message.attachments,
    });
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
