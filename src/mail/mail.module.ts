import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailService } from './mail.service';
import { MailTransport } from './mail-transport';
import { OutboundEmail } from './outbound-email.entity';
import { OutboundEmailsRepository } from './outbound-emails.repository';

/** The outbox and its sender; the API writes and enqueues, the worker sends. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboundEmail])],
  providers: [OutboundEmailsRepository, MailService, MailTransport],
  exports: [MailService, MailTransport],
})
export class MailModule {}
