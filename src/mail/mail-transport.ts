import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
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
    this.transporter = nodemailer.createTransport(env.SMTP_URL, { from: env.MAIL_FROM });
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
