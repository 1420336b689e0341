import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MAINTENANCE_TASKS } from '../maintenance/maintenance-run.entity';
import { HANDLED_EVENT_TYPES } from '../stripe/handlers/event-router';

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
 * statuses, Stripe event types, currencies, queue and outbox names, task names.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'pledge_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'pledge_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhooksReceived = new Counter({
    name: 'pledge_webhooks_received_total',
    help: 'Stripe webhook requests received (before verification)',
    registers: [this.registry],
  });

  readonly webhooksRejected = new Counter<'reason'>({
    name: 'pledge_webhooks_rejected_total',
    help: 'Stripe webhook requests refused, by reason (nothing stored)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly eventsStored = new Counter({
    name: 'pledge_stripe_events_stored_total',
    help: 'Stripe events offered to the inbox, by source (webhook, event_list) and result (new, duplicate, error)',
    labelNames: ['source', 'result'] as const,
    registers: [this.registry],
  });

  readonly eventsProcessed = new Counter({
    name: 'pledge_stripe_events_processed_total',
    help: 'Stripe event jobs run, by event type and outcome (processed, ignored, retrying, failed)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly donationsSucceeded = new Counter({
    name: 'pledge_donations_succeeded_total',
    help: 'Card payments newly recorded as succeeded, by currency',
    labelNames: ['currency'] as const,
    registers: [this.registry],
  });

  readonly donationsSucceededAmount = new Counter({
    name: 'pledge_donations_succeeded_amount_total',
    help: 'Amount of card payments newly recorded as succeeded, in the minor unit of each currency',
    labelNames: ['currency'] as const,
    registers: [this.registry],
  });

  readonly receiptsSent = new Counter({
    name: 'pledge_receipts_sent_total',
    help: 'Receipt and year-end statement emails accepted by SMTP, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly receiptsFailed = new Counter({
    name: 'pledge_receipts_failed_total',
    help: 'Receipt and statement sends that failed, by kind and whether it was the last try (final)',
    labelNames: ['kind', 'final'] as const,
    registers: [this.registry],
  });

  readonly emailsSent = new Counter({
    name: 'pledge_emails_sent_total',
    help: 'Outbox emails accepted by SMTP, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly emailsFailed = new Counter({
    name: 'pledge_emails_failed_total',
    help: 'Outbox email sends that failed, by kind and whether it was the last try (final)',
    labelNames: ['kind', 'final'] as const,
    registers: [this.registry],
  });

  readonly maintenanceRuns = new Counter({
    name: 'pledge_maintenance_runs_total',
    help: 'Self-repair runs in this process, by task and status (ok, alert, failed, skipped)',
    labelNames: ['task', 'status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.zeroKnownSeries();
  }

  /**
   * A labelled counter has no series until its first inc(), and `increase()` over a series that
   * appears at 1 sees no increase: an alert would miss the first failure. The label values
   * known in advance start at 0 instead (values that depend on data, such as currencies or
   * email kinds, still appear at their first count).
   */
  private zeroKnownSeries(): void {
    const zero = <L extends string>(counter: Counter<L>, values: Record<L, readonly string[]>) => {
      for (const labels of combinations(values)) counter.inc(labels as never, 0);
    };
    zero(this.webhooksRejected, { reason: WEBHOOK_REJECT_REASONS });
    zero(this.eventsStored, {
      source: ['webhook', 'event_list'],
      result: ['new', 'duplicate', 'error'],
    });
    zero(this.eventsProcessed, {
      type: HANDLED_EVENT_TYPES,
      outcome: ['processed', 'retrying', 'failed'],
    });
    zero(this.receiptsSent, { kind: ['receipt', 'statement'] });
    zero(this.receiptsFailed, { kind: ['receipt', 'statement'], final: ['true', 'false'] });
    zero(this.maintenanceRuns, {
      task: MAINTENANCE_TASKS,
      status: ['ok', 'alert', 'failed', 'skipped'],
    });
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
        this.reset();
        if (!config.labelNames?.length) (this as Gauge<string>).set(NaN);
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
