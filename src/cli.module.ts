import { DynamicModule, Module } from '@nestjs/common';
import { CampaignsModule } from './campaigns/campaigns.module';
import { DonationsModule } from './donations/donations.module';
import { PledgesModule } from './pledges/pledges.module';
import { LoggingOptions } from './common/logging/logging.module';
import { CoreModule } from './core.module';
import { LedgerModule } from './ledger/ledger.module';
import { StripeEventsModule } from './stripe/stripe-events.module';
import { ReceiptsModule } from './receipts/receipts.module';
import { AuditModule } from './audit/audit.module';

/** What operator commands need: the core and the domain modules they act on. */
@Module({})
export class CliModule {
  static forRoot(logging: Partial<LoggingOptions> = {}): DynamicModule {
    return {
      module: CliModule,
      imports: [
        CoreModule.forRoot({ service: 'cli', ...logging }),
        CampaignsModule,
        // Registers the entities receipts refer to (donations, and pledges through them).
        DonationsModule,
        PledgesModule,
        LedgerModule,
        StripeEventsModule,
        ReceiptsModule,
        AuditModule,
      ],
    };
  }
}
