import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CampaignsHttpModule } from './campaigns/campaigns-http.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { LoggingOptions } from './common/logging/logging.module';
import { CoreModule } from './core.module';
import { HealthModule } from './health/health.module';
import { OperationsModule } from './operations/operations.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { DonationsHttpModule } from './donations/donations-http.module';
import { OfflineGiftsModule } from './flows/offline-gifts/offline-gifts.module';
import { DonorAuthModule } from './donor-auth/donor-auth.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { StripeEventsHttpModule } from './stripe/stripe-events-http.module';
import { PledgesHttpModule } from './pledges/pledges-http.module';
import { ReceiptsHttpModule } from './receipts/receipts-http.module';
import { PayoutsModule } from './payouts/payouts.module';
import { AuditModule } from './audit/audit.module';
import { DonorPrivacyModule } from './donor-privacy/donor-privacy.module';
import { ReportsModule } from './reports/reports.module';
import { WebPagesModule } from './web-pages/web-pages.module';

/** The HTTP API. */
@Module({})
export class AppModule {
  static forRoot(logging: Partial<LoggingOptions> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: 'api', ...logging }),
        HealthModule,
        RateLimitModule,
        CampaignsHttpModule,
        DonationsHttpModule,
        OfflineGiftsModule,
        DonorAuthModule,
        PledgesHttpModule,
        ReceiptsHttpModule,
        PayoutsModule,
        ReportsModule,
        StripeEventsHttpModule,
        OperationsModule,
        MaintenanceModule,
        AuditModule,
        DonorPrivacyModule,
        WebPagesModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
