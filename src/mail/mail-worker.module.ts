import { Module } from '@nestjs/common';
import { MailModule } from './mail.module';
import { MailProcessor } from './mail.processor';

/** The worker side: sends queued emails and sweeps the outbox. */
@Module({ imports: [MailModule], providers: [MailProcessor] })
export class MailWorkerModule {}
