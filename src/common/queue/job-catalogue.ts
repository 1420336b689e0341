/**
 * Every queue, every job and the payload of each, in one place. Payloads carry ids only:
 * Redis keeps job data in clear text, so no names, emails or addresses ever go in a job.
 * The worker refuses to start unless each job here has exactly one handler.
 */
export const QUEUE_NAMES = ['stripe-events', 'mail', 'receipts', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Job name → payload. */
export interface JobPayloads {
  /** Apply one stored Stripe event (stripe_events.id). */
  'stripe-event.process': { eventId: string };
  /** Send one email of the outbox (outbound_emails.id). */
  'email.send': { emailId: string };
  /** Render and email one receipt (receipts.id). */
  'receipt.send': { receiptId: string };
  /** Render and email one year-end statement (statements.id). */
  'statement.send': { statementId: string };
  /** Email one delivery of an action's signatures to its target (action_deliveries.id). */
  'action-delivery.send': { deliveryId: string };
  /** Make the deliveries whose action's `deliveryCron` has come round since the last one. */
  'action-delivery.schedule': { trigger: 'schedule' };
  /** Tell Stripe to end each pledge of a closed campaign at the end of its period (campaigns.id). */
  'campaign-closing.apply': { campaignId: string };
  /** Close campaigns whose `endsAt` has come; sweep closings' pledges a lost job left. */
  'campaign-closing.check': { trigger: 'schedule' };
  /** Self-repair: store and process events in Stripe's list that never arrived as webhooks. */
  'maintenance.stripe-sync': MaintenancePayload;
  /** Self-repair: compare campaign totals with the ledger; drift is recorded as an alert. */
  'maintenance.reconcile': MaintenancePayload;
  /** Self-repair: re-enqueue Stripe events, receipts and emails stuck in their outbox. */
  'maintenance.retry-stuck': MaintenancePayload;
}

/** Who asked for a maintenance run: its schedule, or an operator (`POST /v1/admin/maintenance/…/run`). */
interface MaintenancePayload {
  trigger: 'schedule' | 'manual';
}

export type JobName = keyof JobPayloads;

export interface JobDefinition {
  queue: QueueName;
  /** Total tries, the first included. */
  attempts: number;
  /** First retry delay; each later one doubles (BullMQ's exponential backoff). */
  backoffMs: number;
}

export type JobDefinitions = Record<string, JobDefinition>;

export const JOB_DEFINITIONS: { [N in JobName]: JobDefinition } & JobDefinitions = {
  // 1 s, 2 s, 4 s … about four minutes in all before the event is marked failed.
  'stripe-event.process': { queue: 'stripe-events', attempts: 8, backoffMs: 1000 },
  // 2 s … about two minutes over 7 tries, then marked failed for staff.
  'email.send': { queue: 'mail', attempts: 7, backoffMs: 2000 },
  'receipt.send': { queue: 'receipts', attempts: 7, backoffMs: 2000 },
  'statement.send': { queue: 'receipts', attempts: 7, backoffMs: 2000 },
  'action-delivery.send': { queue: 'mail', attempts: 7, backoffMs: 2000 },
  // Runs again at the next check anyway.
  'action-delivery.schedule': { queue: 'maintenance', attempts: 1, backoffMs: 30_000 },
  // 5 s … about 2.5 minutes; the scheduled check takes over after that.
  'campaign-closing.apply': { queue: 'maintenance', attempts: 5, backoffMs: 5000 },
  'campaign-closing.check': { queue: 'maintenance', attempts: 1, backoffMs: 30_000 },
  // Scheduled again anyway; one retry covers a blip (Stripe or Postgres briefly away).
  'maintenance.stripe-sync': { queue: 'maintenance', attempts: 2, backoffMs: 30_000 },
  'maintenance.reconcile': { queue: 'maintenance', attempts: 2, backoffMs: 30_000 },
  'maintenance.retry-stuck': { queue: 'maintenance', attempts: 1, backoffMs: 30_000 },
};
