/**
 * pipeline: payment events from the webhook's acknowledgement to processed (ledger, totals,
 * receipt issued), through the real API and worker processes and the Stripe stand-in.
 *
 * Set-up (not timed): N pending donations through `POST /v1/campaigns/:slug/donations`, each
 * PaymentIntent succeeded at the stand-in with deliveries paused, the
 * `payment_intent.succeeded` event ids collected. Timed: the stand-in delivers those events
 * plus duplicates (shuffled) over `--streams` concurrent redelivery loops, until every stored
 * event is processed. Then the totals are checked exact.
 *
 * `--stripe-latency 250` (or a range, `100-400`) makes the stand-in answer every API call
 * after that long, as Stripe does: the API's and the worker's Stripe calls then take Stripe's
 * time. Default 0.
 *
 * `--workers 1,2` (the default) runs the whole benchmark once per worker count, each on a
 * fresh database. Each run prints the CPU milliseconds per distinct event spent by the API,
 * the workers, Postgres and this process (the stand-in, the mail catcher, the delivery
 * loops), read from /proc, and what Postgres's backends were doing (pg_stat_activity sampled
 * every 250 ms), so that what bounds the rate is visible. It ends when every receipt is sent.
 * `--stripe-events-concurrency` (default 64) and `--pool-size` (default 20) set the worker's
 * STRIPE_EVENTS_CONCURRENCY and each process's DATABASE_POOL_SIZE.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { Client } from 'pg';
import { startMailCatcher } from '../test/support/mail-catcher/mail-catcher';
import { describeLatency, parseStandInLatency } from '../test/support/stripe-stand-in/latency';
import { startStripeStandIn } from '../test/support/stripe-stand-in/stand-in.server';
import { BenchArgs } from './support/args';
import { sampleActivity, startCpuMeter } from './support/cpu';
import { insertCampaign } from './support/campaigns';
import { percentile, runLoad } from './support/load';
import { note, printTable } from './support/report';
import {
  benchId,
  Cleanup,
  clearRedisPrefix,
  createBenchDatabase,
  freePort,
  serviceEnvironment,
  sleep,
  startNodeProcess,
  waitForHttp,
} from './support/services';

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export async function pipeline(args: BenchArgs, cleanup: Cleanup): Promise<void> {
  const counts = args
    .string('workers', '1,2')
    .split(',')
    .map((n) => Number(n));
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 8))
    throw new Error('--workers must be a list of worker counts such as 1,2');
  let exact = true;
  for (const workers of counts) {
    // Each run on its own database and services, stopped before the next starts.
    const run = new Cleanup();
    cleanup.add(`stop the ${workers}-worker run`, () => run.run());
    try {
      exact = (await pipelineRun(args, run, workers)) && exact;
    } finally {
      await run.run();
    }
  }
  if (!exact) process.exitCode = 1;
}

async function pipelineRun(
  args: BenchArgs,
  cleanup: Cleanup,
  workerCount: number,
): Promise<boolean> {
  const deliveries = args.int('events', 20_000);
  const duplicatePercent = args.int('duplicate-percent', 20);
  const streams = args.int('streams', 32);
  const stripeLatency = parseStandInLatency(args.string('stripe-latency', '0'), '--stripe-latency');
  const unique = Math.round(deliveries * (1 - duplicatePercent / 100));
  const id = benchId(`pipeline${workerCount}`);
  const secret = `whsec_${randomBytes(16).toString('hex')}`;

  const databaseUrl = await createBenchDatabase(id, cleanup);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  cleanup.add('close db', () => db.end());
  cleanup.add('clear redis prefix', () => clearRedisPrefix(id));

  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const standIn = await startStripeStandIn({
    port: 0,
    webhooks: [{ url: `${apiUrl}/v1/stripe/webhook`, secret }],
    deliveryRetryDelaysMs: [100, 300, 1000],
    latencyMs: stripeLatency,
  });
  cleanup.add('stop stand-in', () => standIn.close());
  await standIn.pauseDeliveries();
  const mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
  cleanup.add('stop mail catcher', () => mail.close());

  const env = serviceEnvironment({
    PORT: String(apiPort),
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: id,
    STRIPE_WEBHOOK_SECRETS: secret,
    STRIPE_API_URL: standIn.url,
    SMTP_URL: mail.smtpUrl,
    WORKER_CONCURRENCY: String(args.int('worker-concurrency', 8)),
    STRIPE_EVENTS_CONCURRENCY: String(args.int('stripe-events-concurrency', 64)),
    DATABASE_POOL_SIZE: String(args.int('pool-size', 20)),
  });
  const api = startNodeProcess('api', 'src/main.ts', env, cleanup);
  const workers = Array.from({ length: workerCount }, (_, i) =>
    startNodeProcess(`worker ${i + 1}`, 'src/worker.ts', env, cleanup),
  );
  await waitForHttp(`${apiUrl}/health/ready`, api);

  const slug = `bench-${randomBytes(3).toString('hex')}`;
  const campaignId = await insertCampaign(db, slug);

  note(`pipeline: Stripe stand-in latency per API call: ${describeLatency(stripeLatency)}`);
  note(
    `pipeline: set-up: ${unique.toLocaleString('en-US')} donations through the API, paid at the stand-in (deliveries paused)`,
  );
  const setupStarted = Date.now();
  const intents: { id: string; amount: number }[] = [];
  const amountOf = (i: number) => 500 + (i % 200) * 25;
  const created = await runLoad({
    url: apiUrl,
    concurrency: 16,
    total: unique,
    request: (i) => ({
      method: 'POST',
      path: `/v1/campaigns/${slug}/donations`,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `${id}-${i}` },
      body: JSON.stringify({
        amount: amountOf(i),
        currency: 'usd',
        email: `donor-${i % 5000}@example.org`,
        name: `Donor ${i % 5000}`,
      }),
    }),
    onBody: (i, status, body) => {
      if (status !== 201) throw new Error(`donation ${i}: ${status} ${body.toString()}`);
      intents.push({ id: JSON.parse(body.toString()).paymentIntentId, amount: amountOf(i) });
    },
  });
  for (const intent of intents) await standIn.succeedPaymentIntent(intent.id);
  const succeededIds = (await standIn.events())
    .filter((e) => e.type === 'payment_intent.succeeded')
    .map((e) => e.id);
  if (succeededIds.length !== unique)
    throw new Error(`expected ${unique} succeeded events, the stand-in has ${succeededIds.length}`);
  const expectedRaised = intents.reduce((sum, i) => sum + i.amount, 0);
  note(
    `pipeline: set-up took ${((Date.now() - setupStarted) / 1000).toFixed(1)} s (donations created at ${created.perSecond.toFixed(0)}/s)`,
  );

  const order = shuffle([
    ...succeededIds,
    ...Array.from({ length: deliveries - unique }, () => succeededIds[randomInt(unique)]),
  ]);
  const chunks = Array.from({ length: streams }, (_, s) =>
    order.filter((_, i) => i % streams === s),
  );
  note(
    `pipeline: timed: ${deliveries.toLocaleString('en-US')} deliveries (${unique.toLocaleString('en-US')} distinct events, ${duplicatePercent}% duplicates, shuffled) over ${streams} concurrent delivery loops`,
  );
  const cpu = startCpuMeter(
    { api: [api.pid], [workerCount > 1 ? 'workers' : 'worker']: workers.map((w) => w.pid) },
    'bench (stand-in, mail, delivery)',
  );
  const activity = sampleActivity(databaseUrl);
  const t0 = Date.now();
  let acknowledgedAt = 0;
  const delivered = Promise.all(chunks.map((chunk) => standIn.redeliverEvents(chunk))).then(
    (attempts) => {
      acknowledgedAt = Date.now();
      return attempts.flat();
    },
  );
  let doneAt = 0;
  let receiptsSentByThen = 0;
  let stuckSince = Date.now();
  let lastProcessed = -1;
  for (;;) {
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE status IN ('processed', 'ignored'))::int AS done,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*)::int AS stored,
              (SELECT count(*) FROM receipts WHERE send_status = 'sent')::int AS receipts_sent
         FROM stripe_events`,
    );
    if (acknowledgedAt && rows[0].done + rows[0].failed >= unique) {
      doneAt = Date.now();
      receiptsSentByThen = rows[0].receipts_sent;
      break;
    }
    if (rows[0].done !== lastProcessed) {
      lastProcessed = rows[0].done;
      stuckSince = Date.now();
    } else if (Date.now() - stuckSince > 120_000) {
      throw new Error(
        `no progress for 2 minutes: ${JSON.stringify(rows[0])}\n${workers.map((w) => w.output()).join('\n')}`,
      );
    }
    await sleep(50);
  }
  const attempts = await delivered;
  const seconds = (doneAt - t0) / 1000;

  const ack = attempts.map((a) => a.duration_ms).sort((a, b) => a - b);
  const failedDeliveries = attempts.filter((a) => a.outcome !== 'succeeded').length;
  const { rows: latency } = await db.query(
    `SELECT extract(epoch FROM (processed_at - received_at)) * 1000 AS ms FROM stripe_events
      WHERE processed_at IS NOT NULL ORDER BY 1`,
  );
  const processMs = latency.map((r) => Number(r.ms));
  // Every receipt sent, and the stored totals folded (reads add what the folder has not yet).
  const sendWait = Date.now();
  for (;;) {
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM receipts WHERE send_status <> 'sent')::int AS unsent,
              EXISTS (SELECT 1 FROM ledger_unfolded) AS unfolded`,
    );
    if (!rows[0].unsent && !rows[0].unfolded) break;
    if (Date.now() - sendWait > 300_000)
      throw new Error(
        `after 5 minutes: ${JSON.stringify(rows[0])} (receipts unsent, entries unfolded)`,
      );
    await sleep(100);
  }
  const sentAt = Date.now();
  const spent = cpu.read();
  const backends = await activity.stop();
  const { rows: totals } = await db.query(
    `SELECT p.raised::bigint AS raised, p.donation_count,
            (SELECT count(*) FROM ledger_entries WHERE kind = 'charge')::int AS charges,
            (SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE kind = 'charge')::bigint AS charged,
            (SELECT count(*) FROM stripe_events WHERE status = 'failed')::int AS failed_events,
            (SELECT coalesce(sum(attempts - 1), 0) FROM stripe_events WHERE attempts > 1)::int
              AS failed_tries,
            (SELECT count(*) FROM donations WHERE status = 'succeeded')::int AS succeeded,
            (SELECT count(*) FROM receipts)::int AS receipts,
            (SELECT count(*) FROM receipts WHERE send_status = 'sent')::int AS receipts_sent
       FROM campaign_progress p WHERE p.campaign_id = $1`,
    [campaignId],
  );
  const t = totals[0];
  const exact =
    t.receipts === unique &&
    t.receipts_sent === unique &&
    Number(t.raised) === expectedRaised &&
    Number(t.charged) === expectedRaised &&
    t.donation_count === unique &&
    t.charges === unique &&
    t.succeeded === unique &&
    t.failed_events === 0;

  printTable(
    `pipeline: ${workerCount} worker${workerCount > 1 ? 's' : ''}, Stripe latency ${describeLatency(stripeLatency)}`,
    [
      { figure: 'deliveries (incl. duplicates)', measured: deliveries, target: '20,000' },
      { figure: 'distinct events', measured: unique, target: '' },
      { figure: 'all acknowledged after (s)', measured: (acknowledgedAt - t0) / 1000, target: '' },
      { figure: 'all processed after (s)', measured: seconds, target: '' },
      { figure: 'events/s (deliveries / time)', measured: deliveries / seconds, target: '' },
      {
        figure: 'distinct events processed/s',
        measured: unique / seconds,
        target: stripeLatency === 0 ? '≥ 300' : '≥ 150 at 250 ms',
      },
      { figure: 'delivery ack p50 ms', measured: percentile(ack, 0.5), target: '' },
      { figure: 'delivery ack p99 ms', measured: percentile(ack, 0.99), target: '' },
      { figure: 'received → processed p50 ms', measured: percentile(processMs, 0.5), target: '' },
      {
        figure: 'received → processed p99 ms',
        measured: percentile(processMs, 0.99),
        target: stripeLatency === 0 && deliveries <= 2000 ? '< 5,000' : '',
      },
      { figure: 'failed deliveries (non-2xx)', measured: failedDeliveries, target: '0' },
      // A try that failed and was retried: Stripe or a pool connection that took too long.
      { figure: 'event tries failed and retried', measured: t.failed_tries, target: '0' },
      {
        figure: 'campaign raised / expected',
        measured: `${Number(t.raised)} / ${expectedRaised}`,
        target: 'equal',
      },
      {
        figure: 'donation_count / charges / expected',
        measured: `${t.donation_count} / ${t.charges} / ${unique}`,
        target: 'equal',
      },
      { figure: 'totals exact', measured: exact ? 'yes' : 'NO', target: 'yes' },
      {
        figure: 'receipts issued / sent',
        measured: `${t.receipts} / ${t.receipts_sent}`,
        target: `${unique} / ${unique}`,
      },
      {
        figure: 'receipts sent when the events were done',
        measured: receiptsSentByThen,
        target: '',
      },
      { figure: 'all receipts sent after (s)', measured: (sentAt - t0) / 1000, target: '' },
    ],
  );
  const untilSent = (sentAt - t0) / 1000;
  printTable('pipeline: CPU, acknowledgement to last receipt sent', [
    ...Object.entries(spent).map(([part, ms]) => ({
      part,
      'CPU ms': ms,
      'CPU ms / distinct event': ms / unique,
      'cores busy (mean)': ms / 1000 / untilSent,
    })),
    {
      part: 'all',
      'CPU ms': Object.values(spent).reduce((a, b) => a + b, 0),
      'CPU ms / distinct event': Object.values(spent).reduce((a, b) => a + b, 0) / unique,
      'cores busy (mean)': Object.values(spent).reduce((a, b) => a + b, 0) / 1000 / untilSent,
    },
  ]);
  printTable(`pipeline: Postgres backends (pg_stat_activity, ${backends.samples} samples)`, [
    { backends: 'running a query (mean)', count: backends.meanActive },
    { backends: 'idle in a transaction (mean)', count: backends.meanIdleInTransaction },
    ...backends.topWaits.map((w) => ({ backends: `waiting on ${w.wait}`, count: w.meanBackends })),
  ]);
  return exact;
}
