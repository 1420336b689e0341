/**
 * webhook-ingest: signed `payment_intent.succeeded` events posted at 32 keep-alive connections
 * to the real API (child process: verify, store in stripe_events, enqueue in BullMQ, 200) and
 * to a minimal node:http receiver (verify, one INSERT, 200), in turns, in the same run.
 * Every event is new (no duplicates); no worker runs, so jobs wait in Redis.
 *
 * The load comes from autocannon in a process of its own (`--loader autocannon`, the default),
 * so the generator shares no event loop with the servers or with this runner; `--loader
 * in-process` is the earlier node:http loader (load.ts) inside the runner, kept so figures
 * taken with it can be compared.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { BenchArgs } from './support/args';
import { runAutocannon } from './support/autocannon-load';
import { BenchRequest, LoadResult, runLoad } from './support/load';
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
import { paymentSucceededEvent, signatureFor } from './support/stripe-events';

interface Target {
  name: string;
  url: string;
  path: string;
}

/** Bodies and signatures made before the clock starts, so the generator only sends. */
function signedRequests(count: number, path: string, secret: string): BenchRequest[] {
  return Array.from({ length: count }, () => {
    const body = paymentSucceededEvent();
    return {
      method: 'POST',
      path,
      body: Buffer.from(body),
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'Stripe-Signature': signatureFor(body, secret),
      },
    };
  });
}

const LOADERS = ['autocannon', 'in-process'] as const;
type Loader = (typeof LOADERS)[number];

async function measure(
  loader: Loader,
  target: Target,
  secret: string,
  total: number,
  concurrency: number,
): Promise<LoadResult> {
  const requests = signedRequests(total, target.path, secret);
  return loader === 'autocannon'
    ? runAutocannon({ url: target.url, connections: concurrency, requests })
    : runLoad({ url: target.url, concurrency, total, request: (i) => requests[i] });
}

export async function webhookIngest(args: BenchArgs, cleanup: Cleanup): Promise<void> {
  const total = args.int('requests', 20_000);
  const warmup = args.int('warmup', 2_000);
  const concurrency = args.int('concurrency', 32);
  const rounds = args.int('rounds', 2);
  const loader = args.string('loader', 'autocannon') as Loader;
  if (!LOADERS.includes(loader)) throw new Error(`--loader must be one of ${LOADERS.join(', ')}`);
  const id = benchId('webhook_ingest');
  const secret = `whsec_${randomBytes(16).toString('hex')}`;

  const databaseUrl = await createBenchDatabase(id, cleanup);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  cleanup.add('close db', () => db.end());
  // The receiver's table: the same shape of row as stripe_events keeps.
  await db.query(`CREATE TABLE bench_webhook_events (
    id text PRIMARY KEY, type text NOT NULL, payload jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now())`);
  cleanup.add('clear redis prefix', () => clearRedisPrefix(id));

  const apiPort = await freePort();
  const api = startNodeProcess(
    'api',
    'src/main.ts',
    serviceEnvironment({
      PORT: String(apiPort),
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: id,
      STRIPE_WEBHOOK_SECRETS: secret,
      STRIPE_API_URL: 'http://127.0.0.1:9',
    }),
    cleanup,
  );
  const receiverPort = await freePort();
  const receiver = startNodeProcess(
    'minimal receiver',
    'bench/support/minimal-receiver.ts',
    { PORT: String(receiverPort), DATABASE_URL: databaseUrl, STRIPE_WEBHOOK_SECRETS: secret },
    cleanup,
  );
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const receiverUrl = `http://127.0.0.1:${receiverPort}`;
  await waitForHttp(`${apiUrl}/health/ready`, api);
  // The receiver answers 404 to anything but POST /webhook: that answer means it listens.
  await waitForHttp(`${receiverUrl}/`, receiver, 60_000, 404);

  const targets: Target[] = [
    { name: 'API (NestJS)', url: apiUrl, path: '/v1/stripe/webhook' },
    { name: 'minimal receiver', url: receiverUrl, path: '/webhook' },
  ];
  note(
    `webhook-ingest: ${total.toLocaleString('en-US')} signed events per run after ${warmup.toLocaleString('en-US')} warm-up, ${concurrency} connections, ${rounds} round(s), API and receiver in turns, load from ${loader === 'autocannon' ? 'autocannon (its own process)' : 'the in-process loader'}`,
  );
  const rows: Record<string, string | number>[] = [];
  const results = new Map<string, LoadResult[]>();
  for (let round = 1; round <= rounds; round += 1) {
    for (const target of targets) {
      if (warmup) await measure(loader, target, secret, warmup, concurrency);
      const result = await measure(loader, target, secret, total, concurrency);
      results.set(target.name, [...(results.get(target.name) ?? []), result]);
      const failed = Object.entries(result.statuses)
        .filter(([s]) => s !== '200')
        .reduce((n, [, c]) => n + c, 0);
      rows.push({
        target: target.name,
        round,
        requests: result.total,
        'events/s': result.perSecond,
        'p50 ms': result.p50,
        'p90 ms': result.p90,
        'p99 ms': result.p99,
        'max ms': result.max,
        'not 200': failed,
      });
    }
  }
  printTable('webhook-ingest: runs', rows);

  const best = (name: string) => {
    const runs = results.get(name)!;
    return runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  };
  const apiBest = best(targets[0].name);
  const receiverBest = best(targets[1].name);
  const stored = await db.query(
    `SELECT (SELECT count(*) FROM stripe_events)::int AS api, (SELECT count(*) FROM bench_webhook_events)::int AS receiver`,
  );
  const expected = rounds * (total + warmup);
  printTable('webhook-ingest: summary (best round of each)', [
    {
      figure: 'API events/s',
      measured: apiBest.perSecond,
      target: '≥ 0.6 × receiver',
    },
    { figure: 'receiver events/s', measured: receiverBest.perSecond, target: '' },
    {
      figure: 'ratio API / receiver',
      measured: apiBest.perSecond / receiverBest.perSecond,
      target: '≥ 0.6',
    },
    { figure: 'API p50 ms', measured: apiBest.p50, target: '' },
    { figure: 'API p99 ms', measured: apiBest.p99, target: '< 25' },
    { figure: 'receiver p50 ms', measured: receiverBest.p50, target: '' },
    { figure: 'receiver p99 ms', measured: receiverBest.p99, target: '' },
    {
      figure: 'events stored (API / receiver)',
      measured: `${stored.rows[0].api} / ${stored.rows[0].receiver} of ${expected} each`,
      target: 'all',
    },
  ]);
}
