/**
 * progress-at-scale: `GET /v1/campaigns/:slug` (progress plus the first page of supporters),
 * one request at a time over a keep-alive connection, for the same campaign with 1,000
 * donations and then with 1,000,000 (loaded in SQL, totals set from the ledger).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { BenchArgs } from './support/args';
import { loadGifts, setTotalsFromLedger } from './support/bulk-load';
import { insertCampaign } from './support/campaigns';
import { LoadResult, timeGets } from './support/load';
import { note, printTable } from './support/report';
import {
  benchId,
  Cleanup,
  clearRedisPrefix,
  createBenchDatabase,
  freePort,
  serviceEnvironment,
  startNodeProcess,
  waitForHttp,
} from './support/services';

export async function progressAtScale(args: BenchArgs, cleanup: Cleanup): Promise<void> {
  const small = args.int('small', 1_000);
  const large = args.int('large', 1_000_000);
  const requests = args.int('requests', 2_000);
  const warmup = args.int('warmup', 300);
  const id = benchId('progress');

  const databaseUrl = await createBenchDatabase(id, cleanup);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  cleanup.add('close db', () => db.end());
  cleanup.add('clear redis prefix', () => clearRedisPrefix(id));
  const slug = `bench-${randomBytes(3).toString('hex')}`;
  const campaignId = await insertCampaign(db, slug);

  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = startNodeProcess(
    'api',
    'src/main.ts',
    serviceEnvironment({
      PORT: String(apiPort),
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: id,
      STRIPE_WEBHOOK_SECRETS: 'whsec_bench',
      STRIPE_API_URL: 'http://127.0.0.1:9',
    }),
    cleanup,
  );
  await waitForHttp(`${apiUrl}/health/ready`, api);

  const path = `/v1/campaigns/${slug}`;
  const measure = async (): Promise<LoadResult> => {
    await timeGets(apiUrl, path, warmup);
    return timeGets(apiUrl, path, requests);
  };
  const progressOf = async () => {
    const res = await fetch(`${apiUrl}${path}`);
    const body = (await res.json()) as { progress: { raised: number; donationCount: number } };
    return body.progress;
  };

  let loaded = 0;
  const loadTo = async (count: number) => {
    const started = Date.now();
    // In slices, so one statement's memory stays small.
    for (let from = loaded + 1; from <= count; from += 200_000) {
      const to = Math.min(count, from + 199_999);
      await loadGifts(db, {
        campaignIds: [campaignId],
        from,
        to,
        donors: Math.max(1, Math.floor(count / 10)),
        year: 2025,
      });
    }
    await setTotalsFromLedger(db);
    loaded = count;
    note(
      `progress-at-scale: ${count.toLocaleString('en-US')} donations loaded (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  };

  await loadTo(small);
  const smallProgress = await progressOf();
  const atSmall = await measure();
  await loadTo(large);
  const largeProgress = await progressOf();
  const atLarge = await measure();

  const row = (label: string, r: LoadResult, p: { raised: number; donationCount: number }) => ({
    donations: label,
    'progress.donationCount': p.donationCount,
    requests: r.total,
    'req/s': r.perSecond,
    'p50 ms': r.p50,
    'p90 ms': r.p90,
    'p99 ms': r.p99,
  });
  printTable('progress-at-scale: GET /v1/campaigns/:slug, sequential', [
    row(small.toLocaleString('en-US'), atSmall, smallProgress),
    row(large.toLocaleString('en-US'), atLarge, largeProgress),
  ]);
  printTable('progress-at-scale: summary', [
    {
      figure: `p50 at ${small.toLocaleString('en-US')} (ms)`,
      measured: atSmall.p50,
      target: '< 2',
    },
    {
      figure: `p50 at ${large.toLocaleString('en-US')} (ms)`,
      measured: atLarge.p50,
      target: '< 2',
    },
    { figure: 'ratio p50 large / small', measured: atLarge.p50 / atSmall.p50, target: '< 1.5' },
  ]);
  if (largeProgress.donationCount !== large) {
    throw new Error(`progress shows ${largeProgress.donationCount} donations, expected ${large}`);
  }
}
