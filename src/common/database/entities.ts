import { ApiKey } from '../../auth/api-key.entity';
import { AuditLog } from '../../audit/audit-log.entity';
import { Campaign } from '../../campaigns/campaign.entity';
import { Donation } from '../../donations/donation.entity';
import { StaffRefund } from '../../donations/staff-refund.entity';
import { Donor } from '../../donors/donor.entity';
import { DonorSession } from '../../donor-auth/donor-session.entity';
import { DonorSignInToken } from '../../donor-auth/donor-sign-in-token.entity';
import {
  CampaignCurrencyTotals,
  CampaignDonor,
  CampaignProgress,
} from '../../ledger/campaign-totals.entity';
import { LedgerEntry } from '../../ledger/ledger-entry.entity';
import {
  CampaignDonorGift,
  DonorFirstGift,
  LedgerHourly,
} from '../../ledger/report-rollups.entity';
import { MaintenanceRun } from '../../maintenance/maintenance-run.entity';
import { StripeEvent } from '../../stripe/events/stripe-event.entity';
import { JobFailure } from '../queue/job-failure.entity';
import { OutboundEmail } from '../../mail/outbound-email.entity';
import { IdempotencyKey } from './idempotency-key.entity';
import { Pledge } from '../../pledges/pledge.entity';
import { Payout } from '../../payouts/payout.entity';
import { Receipt, ReceiptCounter, Statement } from '../../receipts/receipt.entity';

/** Every entity, listed once for the app, the CLI and TypeORM's migration generator. */
export const ENTITIES = [
  ApiKey,
  AuditLog,
  Campaign,
  CampaignCurrencyTotals,
  CampaignDonor,
  CampaignDonorGift,
  CampaignProgress,
  Donation,
  Donor,
  DonorFirstGift,
  DonorSession,
  DonorSignInToken,
  IdempotencyKey,
  JobFailure,
  LedgerEntry,
  LedgerHourly,
  MaintenanceRun,
  OutboundEmail,
  Payout,
  Pledge,
  Receipt,
  ReceiptCounter,
  Statement,
  StaffRefund,
  StripeEvent,
];
