import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ActionDeliveriesHttpModule } from './actions/action-deliveries-http.module';
import { ActionsHttpModule } from './actions/actions-http.module';
import { AuditHttpModule } from './audit/audit-http.module';
import { AuthHttpModule } from './auth/auth-http.module';
import { CampaignsHttpModule } from './campaigns/campaigns-http.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { LoggingOptions } from './common/logging/logging.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { CoreModule } from './core.module';
import { DonationsHttpModule } from './donations/donations-http.module';
import { DonorAuthHttpModule } from './donor-auth/donor-auth-http.module';
import { DonorPrivacyHttpModule } from './donor-privacy/donor-privacy-http.module';
import { CheckoutHttpModule } from './flows/checkout/checkout-http.module';
import { GiftStatusHttpModule } from './flows/gift-status/gift-status-http.module';
import { PledgeStatusHttpModule } from './flows/pledge-status/pledge-status-http.module';
import { OfflineGiftsHttpModule } from './flows/offline-gifts/offline-gifts-http.module';
import { HealthHttpModule } from './health/health-http.module';
import { MaintenanceHttpModule } from './maintenance/maintenance-http.module';
import { MetricsHttpModule } from './metrics/metrics-http.module';
import { OperationsHttpModule } from './operations/operations-http.module';
import { PayoutsHttpModule } from './payouts/payouts-http.module';
import { PledgesHttpModule } from './pledges/pledges-http.module';
import { ReceiptsHttpModule } from './receipts/receipts-http.module';
import { ReportsHttpModule } from './reports/reports-http.module';
import { StripeEventsHttpModule } from './stripe/stripe-events-http.module';
import { WebPagesHttpModule } from './web-pages/web-pages-http.module';
import { CampaignClosingHttpModule } from './flows/campaign-closing/campaign-closing-http.module';

/** The HTTP API: every folder's controllers (its `-http` module) over the core. */
@Module({})
export class AppModule {
  static forRoot(logging: Partial<LoggingOptions> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: 'api', ...logging }),
        AuthHttpModule,
        HealthHttpModule,
        RateLimitModule,
        CampaignsHttpModule,
        DonationsHttpModule,
        OfflineGiftsHttpModule,
        GiftStatusHttpModule,
        PledgeStatusHttpModule,
        CheckoutHttpModule,
        CampaignClosingHttpModule,
        DonorAuthHttpModule,
        PledgesHttpModule,
        ActionsHttpModule,
        ActionDeliveriesHttpModule,
        ReceiptsHttpModule,
        PayoutsHttpModule,
        ReportsHttpModule,
        StripeEventsHttpModule,
        OperationsHttpModule,
        MetricsHttpModule,
        MaintenanceHttpModule,
        AuditHttpModule,
        DonorPrivacyHttpModule,
        WebPagesHttpModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
