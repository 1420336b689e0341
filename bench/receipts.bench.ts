/**
 * receipts: receipts rendered (pdfkit) and sent over SMTP to the mail catcher by the real
 * worker process. Receipts are issued in SQL as a payment would leave them (pending), and
 * their `receipt.send` jobs added through the project's QueueService with the same job ids and
 * retry policy as the payment path. Measures receipts/s and the worker's RSS as it goes.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startMailCatcher } from '../test/support/mail-catcher/mail-catcher';
import { Environment } from '../src/common/config/environment';
import { QueueService } from '../src/common/queue/queue.service';
import { BenchArgs } from './support/args';
import { insertCampaign } from './support/campaigns';
import { memoryOf, note, printTable, sampleMemory } from './support/report';
import {
  benchId,
  Cleanup,
  clearRedisPrefix,
  createBenchDatabase,
  REDIS_URL,
  serviceEnvironment,
  sleep,
  startNodeProcess,
  until,
} from './support/services';

/** Issues `count` pending receipts (numbers from `first`) for new succeeded gifts. */
async function issueReceipts(
  db: Client,
  campaignId: string,
  first: number,
  count: number,
): Promise<string[]> {
  const { rows } = await db.query(
    `WITH donors_in AS (
       INSERT INTO donors (email, name, address)
       SELECT 'receipt-donor-' || g || '@example.org', 'Receipt Donor ' || g,
              '{"line1": "1 Example Street", "city": "Paris", "postal_code": "75001", "country": "FR"}'::jsonb
         FROM generate_series($2::int, $3::int) g
       RETURNING id, email, name, address),
     gifts AS (
       INSERT INTO donations (campaign_id, donor_id, status, amount, currency, intended_amount,
              stripe_payment_intent_id, stripe_charge_id, received_amount, received_currency,
              succeeded_at, method, donor_name, donor_address)
       SELECT $1, d.id, 'succeeded', 2500, 'usd', 2500, 'pi_r_' || d.id, 'ch_r_' || d.id, 2500, 'usd', now(), 'card',
              d.name, d.address
         FROM donors_in d
       RETURNING id, donor_id)
     INSERT INTO receipts (number, year, donation_id, donor_id, type, amount, currency, send_status)
     SELECT '2026-' || lpad((row_number() OVER () + $2 - 1)::text, 6, '0'), 2026, g.id, g.donor_id,
            'original', 2500, 'usd', 'pending'
       FROM gifts g
     RETURNING id`,
    [campaignId, first, first + count - 1],
  );
  return rows.map((r) => r.id as string);
}

export async function receipts(args: BenchArgs, cleanup: Cleanup): Promise<void> {
  const count = args.int('receipts', 2_000);
  const warmup = args.int('warmup', 100);
  const concurrency = args.int('worker-concurrency', 8);
  const id = benchId('receipts');

  const databaseUrl = await createBenchDatabase(id, cleanup);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  cleanup.add('close db', () => db.end());
  cleanup.add('clear redis prefix', () => clearRedisPrefix(id));
  const mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
  cleanup.add('stop mail catcher', () => mail.close());
  const campaignId = await insertCampaign(db, `bench-${randomBytes(3).toString('hex')}`);

  const worker = startNodeProcess(
    'worker',
    'src/worker.ts',
    serviceEnvironment({
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: id,
      STRIPE_WEBHOOK_SECRETS: 'whsec_bench',
      STRIPE_API_URL: 'http://127.0.0.1:9',
      SMTP_URL: mail.smtpUrl,
      WORKER_CONCURRENCY: String(concurrency),
    }),
    cleanup,
  );
  const queues = new QueueService({ REDIS_URL, QUEUE_PREFIX: id } as Environment);
  cleanup.add('close queue producer', () => queues.onApplicationShutdown());
  await until(async () => queues.redis.status === 'ready', 10_000, 50, 'Redis ready');
  await until(
    async () => (await queues.queue('receipts').getWorkersCount()) > 0,
    60_000,
    200,
    'worker listening on the receipts queue',
  );

  const enqueue = async (ids: string[]) => {
    for (let i = 0; i < ids.length; i += 100) {
      await Promise.all(
        ids
          .slice(i, i + 100)
          .map((receiptId) =>
            queues.enqueue('receipt.send', { receiptId }, { jobId: `receipt-${receiptId}` }),
          ),
      );
    }
  };
  const sentCount = async () =>
    (await db.query(`SELECT count(*)::int AS n FROM receipts WHERE send_status = 'sent'`)).rows[0]
      .n as number;
  const failedCount = async () =>
    (await db.query(`SELECT count(*)::int AS n FROM receipts WHERE send_status = 'failed'`)).rows[0]
      .n as number;

  if (warmup) {
    await enqueue(await issueReceipts(db, campaignId, 1, warmup));
    await until(async () => (await sentCount()) >= warmup, 120_000, 100, 'warm-up sent');
  }
  const ids = await issueReceipts(db, campaignId, warmup + 1, count);
  note(
    `receipts: ${count.toLocaleString('en-US')} receipts (after ${warmup} warm-up), worker concurrency ${concurrency}`,
  );
  const rssAtStart = memoryOf(worker.pid).rssMb;
  const sampler = sampleMemory(worker.pid, 250);
  const timeline: { sent: number; seconds: number; rssMb: number }[] = [];
  const t0 = Date.now();
  await enqueue(ids);
  let nextMark = 0;
  for (;;) {
    const sent = (await sentCount()) - warmup;
    if (sent >= nextMark || sent >= count) {
      timeline.push({ sent, seconds: (Date.now() - t0) / 1000, rssMb: memoryOf(worker.pid).rssMb });
      nextMark = sent + count / 10;
    }
    if (sent >= count) break;
    if ((await failedCount()) > 0) throw new Error(`receipts failed:\n${worker.output()}`);
    if (Date.now() - t0 > 600_000)
      throw new Error(`only ${sent} of ${count} sent after 10 minutes`);
    await sleep(100);
  }
  const seconds = (Date.now() - t0) / 1000;
  const memory = sampler.stop();
  // Idle a few seconds: does the RSS come back down once the burst is over?
  await sleep(5_000);
  const rssIdle = memoryOf(worker.pid).rssMb;
  const caught = mail.messages().length;

  printTable(
    'receipts: worker RSS over time',
    timeline.map((t) => ({ 'receipts sent': t.sent, 'after s': t.seconds, 'RSS MB': t.rssMb })),
  );
  const at = (fraction: number) => timeline.find((t) => t.sent >= count * fraction)?.rssMb ?? NaN;
  printTable('receipts: summary', [
    { figure: 'receipts sent', measured: count, target: '2,000' },
    { figure: 'messages caught by SMTP (incl. warm-up)', measured: caught, target: '' },
    { figure: 'seconds', measured: seconds, target: '' },
    { figure: 'receipts/s', measured: count / seconds, target: '≥ 200' },
    { figure: 'worker RSS before (MB)', measured: rssAtStart, target: '' },
    {
      figure: 'worker RSS at 50% / 100% (MB)',
      measured: `${at(0.5).toFixed(0)} / ${at(1).toFixed(0)}`,
      target: 'flat',
    },
    { figure: 'worker RSS max, sampled (MB)', measured: memory.maxMb, target: '' },
    { figure: 'worker RSS 5 s after (MB)', measured: rssIdle, target: '' },
  ]);
}
