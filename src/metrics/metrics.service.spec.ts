import { metricValue } from '../../test/support/metrics';
import { startMaintenanceSeriesAtZero } from '../maintenance/maintenance-metrics';
import { startEventSeriesAtZero } from '../stripe/event-types';
import { metricsScrapeAllowed } from './metrics-token';
import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  it('keeps one registry per instance, so several apps in a process do not collide', async () => {
    const a = new MetricsService();
    const b = new MetricsService();
    a.donationsSucceededAmount.inc({ currency: 'usd' }, 2500);
    expect(await a.render()).toContain(
      'pledge_donations_succeeded_amount_total{currency="usd"} 2500',
    );
    expect(await b.render()).not.toContain(
      'pledge_donations_succeeded_amount_total{currency="usd"}',
    );
  });

  it('shows the series alerts watch at 0 from the start, so increase() sees the first count', async () => {
    // As the API and the worker start: the modules that know the event types and the
    // maintenance tasks start their series too.
    const metrics = new MetricsService();
    startEventSeriesAtZero(metrics);
    startMaintenanceSeriesAtZero(metrics);
    const text = await metrics.render();
    for (const reason of ['missing_signature', 'empty_body', 'bad_signature', 'malformed_event']) {
      expect({
        reason,
        value: metricValue(text, 'pledge_webhooks_rejected_total', { reason }),
      }).toEqual({
        reason,
        value: 0,
      });
    }
    for (const source of ['webhook', 'event_list']) {
      for (const result of ['new', 'duplicate', 'error']) {
        expect(metricValue(text, 'pledge_stripe_events_stored_total', { source, result })).toBe(0);
      }
    }
    for (const type of [
      'payment_intent.succeeded',
      'charge.refunded',
      'charge.dispute.created',
      'invoice.paid',
      'customer.subscription.updated',
      'setup_intent.succeeded',
      'payout.failed',
    ]) {
      for (const outcome of ['processed', 'retrying', 'failed']) {
        expect(metricValue(text, 'pledge_stripe_events_processed_total', { type, outcome })).toBe(
          0,
        );
      }
    }
    for (const kind of ['receipt', 'statement']) {
      expect(metricValue(text, 'pledge_receipts_sent_total', { kind })).toBe(0);
      for (const final of ['true', 'false']) {
        expect(metricValue(text, 'pledge_receipts_failed_total', { kind, final })).toBe(0);
      }
    }
    for (const task of ['stripe-sync', 'reconcile', 'retry-stuck']) {
      for (const status of ['ok', 'alert', 'failed', 'skipped']) {
        expect(metricValue(text, 'pledge_maintenance_runs_total', { task, status })).toBe(0);
      }
    }
    // Unknown in advance: no guessed currencies.
    expect(text).not.toMatch(/^pledge_donations_succeeded_total\{/m);
  });

  it('reads gauges at scrape time, and shows unknown (never 0) when the source fails or hangs', async () => {
    const metrics = new MetricsService();
    let depth = 3;
    metrics.gauge({ name: 'test_depth', help: 'h' }, async (g) => g.set(depth));
    metrics.gauge({ name: 'test_broken', help: 'h' }, async () => {
      throw new Error('Redis is down');
    });
    metrics.gauge({ name: 'test_hanging', help: 'h', timeoutMs: 50 }, () => new Promise(() => {}));
    expect(await metrics.render()).toMatch(/^test_depth 3$/m);
    depth = 5;
    const text = await metrics.render();
    expect(text).toMatch(/^test_depth 5$/m);
    expect(text).toMatch(/^test_broken nan$/im);
    expect(text).toMatch(/^test_hanging nan$/im);
    metrics.gauge(
      { name: 'test_labelled', help: 'h', labelNames: ['queue'] as const },
      async () => {
        throw new Error('Redis is down');
      },
    );
    expect(await metrics.render()).not.toMatch(/^test_labelled/m);
  });
});

describe('metricsScrapeAllowed', () => {
  it('is open without a token, and asks for exactly the bearer token with one', () => {
    expect(metricsScrapeAllowed(undefined, undefined)).toBe(true);
    expect(metricsScrapeAllowed('t0ken-0123456789abc', undefined)).toBe(false);
    expect(metricsScrapeAllowed('t0ken-0123456789abc', 'Bearer nope')).toBe(false);
    expect(metricsScrapeAllowed('t0ken-0123456789abc', 'Basic dDBrZW4=')).toBe(false);
    expect(metricsScrapeAllowed('t0ken-0123456789abc', 'Bearer t0ken-0123456789abc')).toBe(true);
  });
});
