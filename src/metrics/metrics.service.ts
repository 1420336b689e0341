import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The content type Prometheus expects from a scrape. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Why a webhook request is refused (`EventInboxService.verify`). */
export const WEBHOOK_REJECT_REASONS = [
  'missing_signature',
  'empty_body',
  'bad_signature',
  'malformed_event',
] as const;
export type WebhookRejectReason = (typeof WEBHOOK_REJECT_REASONS)[number];

/** Every combination of the given label values (for series created at 0). */
function combinations<L extends string>(values: Record<L, readonly string[]>): Record<L, string>[] {
  return Object.entries<readonly string[]>(values).reduce<Record<string, string>[]>(
    (all, [label, options]) =>
      all.flatMap((labels) => options.map((v) => ({ ...labels, [label]: v }))),
    [{}],
  ) as Record<L, string>[];
}

/**
 * This process's metrics, in a registry of its own (not prom-client's global one), so that
 * several apps in one process (the tests) each count their own.
 *
 * Labels are bounded, and never personal: route patterns (never raw URLs), HTTP methods and
 * statuses, Stripe event types, currencies, queue and outbox names, task names, action ids
 * (staff create actions: a handful per campaign).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = this.counter(
    'pledge_http_requests_total',
    'HTTP requests answered, by method, route pattern and status',
    ['method', 'route', 'status'] as const,
  );

  readonly httpDuration = new Histogram({
    name: 'pledge_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhooksReceived = this.counter(
    'pledge_webhooks_received_total',
    'Stripe webhook requests received (before verification)',
  );

  readonly webhooksRejected = this.counter(
    'pledge_webhooks_rejected_total',
    'Stripe webhook requests refused, by reason (nothing stored)',
    ['reason'] as const,
  );

  readonly eventsStored = this.counter(
    'pledge_stripe_events_stored_total',
    'Stripe events offered to the inbox, by source (webhook, event_list) and result (new, duplicate, error)',
    ['source', 'result'] as const,
  );

  readonly eventsProcessed = this.counter(
    'pledge_stripe_events_processed_total',
    'Stripe event jobs run, by event type and outcome (processed, ignored, retrying, failed)',
    ['type', 'outcome'] as const,
  );

  readonly donationsSucceeded = this.counter(
    'pledge_donations_succeeded_total',
    'Card payments newly recorded as succeeded, by currency',
    ['currency'] as const,
  );

  readonly donationsSucceededAmount = this.counter(
    'pledge_donations_succeeded_amount_total',
    'Amount of card payments newly recorded as succeeded, in the minor unit of each currency',
    ['currency'] as const,
  );

  readonly receiptsSent = this.counter(
    'pledge_receipts_sent_total',
    'Receipt and year-end statement emails accepted by SMTP, by kind',
    ['kind'] as const,
  );

  readonly receiptsFailed = this.counter(
    'pledge_receipts_failed_total',
    'Receipt and statement sends that failed, by kind and whether it was the last try (final)',
    ['kind', 'final'] as const,
  );

  readonly emailsSent = this.counter(
    'pledge_emails_sent_total',
    'Outbox emails accepted by SMTP, by kind',
    ['kind'] as const,
  );

  readonly emailsFailed = this.counter(
    'pledge_emails_failed_total',
    'Outbox email sends that failed, by kind and whether it was the last try (final)',
    ['kind', 'final'] as const,
  );

  readonly maintenanceRuns = this.counter(
    'pledge_maintenance_runs_total',
    'Self-repair runs in this process, by task and status (ok, alert, failed, skipped)',
    ['task', 'status'] as const,
  );

  readonly signaturesSigned = this.counter(
    'pledge_action_signatures_signed_total',
    'New signatures of an action, pending their email confirmation, by action id',
    ['action'] as const,
  );

  readonly signaturesConfirmed = this.counter(
    'pledge_action_signatures_confirmed_total',
    'Signatures confirmed by their emailed link, by action id',
    ['action'] as const,
  );

  readonly signaturesWithdrawn = this.counter(
    'pledge_action_signatures_withdrawn_total',
    'Confirmed signatures withdrawn by their signer, by action id',
    ['action'] as const,
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.zeroKnownSeries();
  }

  private counter<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
  ): Counter<L> {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  /**
   * Starts every combination of these label values at 0, so that a rate or an alert sees the
   * series before its first event. The module that knows the values (event types, maintenance
   * tasks) calls it for its own counters.
   */
  startAtZero<L extends string>(counter: Counter<L>, values: Record<L, readonly string[]>): void {
    for (const labels of combinations(values)) counter.inc(labels as never, 0);
  }

  /**
   * A labelled counter has no series until its first inc(), and `increase()` over a series that
   * appears at 1 sees no increase: an alert would miss the first failure. The label values
   * known in advance start at 0 instead (values that depend on data, such as currencies or
   * email kinds, still appear at their first count).
   */
  private zeroKnownSeries(): void {
    const zero = <L extends string>(counter: Counter<L>, values: Record<L, readonly string[]>) =>
      this.startAtZero(counter, values);
    zero(this.webhooksRejected, { reason: WEBHOOK_REJECT_REASONS });
    zero(this.eventsStored, {
      source: ['webhook', 'event_list'],
      result: ['new', 'duplicate', 'error'],
    });
    zero(this.receiptsSent, { kind: ['receipt', 'statement'] });
    zero(this.receiptsFailed, { kind: ['receipt', 'statement'], final: ['true', 'false'] });
  }

  /**
   * A gauge whose values are read at scrape time. `collect` sets them; when it throws or takes
   * longer than `timeoutMs` (Redis or Postgres down) the gauge has no series for this scrape
   * (NaN for a gauge without labels, which always has one): unknown, never a false 0.
   */
  gauge<L extends string>(
    config: { name: string; help: string; labelNames?: readonly L[]; timeoutMs?: number },
    collect: (gauge: Gauge<L>) => Promise<void>,
  ): Gauge<L> {
    const timeoutMs = config.timeoutMs ?? 2000;
    return new Gauge<L>({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames ?? [],
      registers: [this.registry],
      async collect() {
        const unknown = () => {
          this.reset();
          if (!config.labelNames?.length) (this as Gauge<string>).set(NaN);
        };
        unknown();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(() => resolve(unknown()), timeoutMs);
        });
        await Promise.race([collect(this).catch(unknown), timeout]).finally(() =>
          clearTimeout(timer),
        );
      },
    });
  }

  /** The Prometheus text exposition of everything registered. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
