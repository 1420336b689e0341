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
