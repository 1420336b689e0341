import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AdminAuditController } from './admin-audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditModule } from './audit.module';

/** The API side: every staff request recorded by a global interceptor, and the log's listing. */
@Module({
  imports: [AuditModule],
  controllers: [AdminAuditController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
})
export class AuditHttpModule {}
