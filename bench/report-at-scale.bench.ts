/**
 * report-at-scale: over 1,000,000 ledger rows (500,000 card gifts: a charge and a fee each,
 * spread over 2025 and four campaigns), `GET /v1/reports/campaigns` for the year (latency,
 * sequential) and `GET /v1/reports/donations.csv` of all of them (rows/s, and the API
 * process's RSS sampled from /proc while it streams, plus its VmHWM).
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Client } from 'pg';
import { BenchArgs } from './support/args';
import { loadGifts, setTotalsFromLedger } from './support/bulk-load';
import { insertCampaign } from './support/campaigns';
import { timeGets } from './support/load';
import { memoryOf, note, printTable, sampleMemory } from './support/report';
import {
  benchId,
  Cleanup,
  clearRedisPrefix,
  createBenchDatabase,
  freePort,
  runCli,
  serviceEnvironment,
  startNodeProcess,
  waitForHttp,
} from './support/services';

/** Streams the CSV, counting lines as they come; nothing is kept. */
function downloadCsv(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; bytes: number; lines: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const agent = new Agent({ keepAlive: false });
    request(url, { headers, agent }, (res) => {
      let bytes = 0;
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          bytes,
          lines,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

export async function reportAtScale(args: BenchArgs, cleanup: Cleanup): Promise<void> {
  const gifts = args.int('gifts', 500_000);
  const reportRequests = args.int('report-requests', 20);
  const csvRuns = args.int('csv-runs', 2);
  const id = benchId('report');

  const databaseUrl = await createBenchDatabase(id, cleanup);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  cleanup.add('close db', () => db.end());
  cleanup.add('clear redis prefix', () => clearRedisPrefix(id));
  const campaignIds: string[] = [];
  for (let c = 0; c < 4; c += 1) {
    campaignIds.push(await insertCampaign(db, `bench-${randomBytes(3).toString('hex')}`));
  }
  const started = Date.now();
  for (let from = 1; from <= gifts; from += 200_000) {
    await loadGifts(db, {
      campaignIds,
      from,
      to: Math.min(gifts, from + 199_999),
      donors: Math.max(1, Math.floor(gifts / 10)),
      year: 2025,
    });
  }
  await setTotalsFromLedger(db);
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM ledger_entries`);
  const ledgerRows: number = rows[0].n;
  note(
    `report-at-scale: ${gifts.toLocaleString('en-US')} gifts, ${ledgerRows.toLocaleString('en-US')} ledger rows loaded (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );

  const env = serviceEnvironment({
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: id,
    STRIPE_WEBHOOK_SECRETS: 'whsec_bench',
    STRIPE_API_URL: 'http://127.0.0.1:9',
  });
  const keyOutput = await runCli(
    ['api-key:create', '--role', 'finance', '--name', 'bench'],
    env,
    cleanup,
  );
  const key = /key \(shown once[^:]*\): (\S+)/.exec(keyOutput)?.[1];
  if (!key) throw new Error(`no key in CLI output: ${keyOutput}`);
  const auth = { Authorization: `Bearer ${key}` };

  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = startNodeProcess('api', 'src/main.ts', { ...env, PORT: String(apiPort) }, cleanup);
  await waitForHttp(`${apiUrl}/health/ready`, api);

  const period = 'from=2025-01-01&to=2025-12-31';
  const reportPath = `/v1/reports/campaigns?${period}`;
  const check = await fetch(`${apiUrl}${reportPath}`, { headers: auth });
  const report = (await check.json()) as { data: { donationCount: number }[] };
  if (check.status !== 200) throw new Error(`report: ${check.status} ${JSON.stringify(report)}`);
  const reported = report.data.reduce((n, r) => n + r.donationCount, 0);
  await timeGets(apiUrl, reportPath, 2, auth);
  const campaignsReport = await timeGets(apiUrl, reportPath, reportRequests, auth);

  const rssBefore = memoryOf(api.pid);
  const csvRows: Record<string, string | number>[] = [];
  let peakSampled = 0;
  for (let run = 1; run <= csvRuns; run += 1) {
    const sampler = sampleMemory(api.pid, 50);
    const csv = await downloadCsv(`${apiUrl}/v1/reports/donations.csv?${period}`, auth);
    const memory = sampler.stop();
    peakSampled = Math.max(peakSampled, memory.maxMb);
    const dataRows = csv.lines - 1; // the header
    csvRows.push({
      run,
      status: csv.status,
      'data rows': dataRows,
      MB: csv.bytes / 1e6,
      seconds: csv.ms / 1000,
      'rows/s': dataRows / (csv.ms / 1000),
      'API RSS max MB (sampled)': memory.maxMb,
    });
    if (dataRows !== ledgerRows) {
      throw new Error(`CSV run ${run}: ${dataRows} rows, the ledger has ${ledgerRows}`);
    }
  }
  const rssAfter = memoryOf(api.pid);
  printTable('report-at-scale: GET /v1/reports/campaigns (a year), sequential', [
    {
      'ledger rows': ledgerRows,
      'donations in report': reported,
      requests: campaignsReport.total,
      'p50 ms': campaignsReport.p50,
      'p90 ms': campaignsReport.p90,
      'max ms': campaignsReport.max,
    },
  ]);
  printTable('report-at-scale: GET /v1/reports/donations.csv (all rows of the year)', csvRows);
  const bestCsv = Math.max(...csvRows.map((r) => Number(r['rows/s'])));
  printTable('report-at-scale: summary', [
    { figure: 'campaign report p50 (ms)', measured: campaignsReport.p50, target: '< 100' },
    { figure: 'CSV rows/s (best run)', measured: bestCsv, target: '≥ 100,000' },
    { figure: 'API RSS before the CSV (MB)', measured: rssBefore.rssMb, target: '' },
    { figure: 'API RSS max while streaming, sampled (MB)', measured: peakSampled, target: '< 200' },
    { figure: 'API VmHWM, whole life (MB)', measured: rssAfter.peakMb, target: '< 200' },
  ]);
}
