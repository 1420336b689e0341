/**
 * `npm run bench -- <name> [--option value …]`: runs one benchmark and prints its figures.
 * Every benchmark makes its own database and Redis prefix and removes them at the end.
 */
import { Cleanup } from './support/services';
import { BenchArgs } from './support/args';
import { pipeline } from './pipeline.bench';
import { progressAtScale } from './progress-at-scale.bench';
import { receipts } from './receipts.bench';
import { reportAtScale } from './report-at-scale.bench';
import { webhookIngest } from './webhook-ingest.bench';

type Bench = (args: BenchArgs, cleanup: Cleanup) => Promise<void>;

const BENCHES: Record<string, { about: string; run: Bench }> = {
  'webhook-ingest': {
    about: 'signed webhooks at 32 connections: the API against a minimal receiver',
    run: webhookIngest,
  },
  pipeline: {
    about: 'payment events (20% duplicates, shuffled) from acknowledgement to processed',
    run: pipeline,
  },
  'progress-at-scale': {
    about: 'GET /v1/campaigns/:slug with 1,000 and 1,000,000 donations',
    run: progressAtScale,
  },
  'report-at-scale': {
    about: 'campaign report and CSV export over 1,000,000 ledger rows',
    run: reportAtScale,
  },
  receipts: {
    about: 'receipts rendered and sent over SMTP; worker memory over time',
    run: receipts,
  },
};

function usage(): string {
  return [
    'usage: npm run bench -- <name> [--option value …]',
    '',
    ...Object.entries(BENCHES).map(([name, b]) => `  ${name.padEnd(18)} ${b.about}`),
  ].join('\n');
}

function parseArgs(argv: string[]): BenchArgs {
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}\n${usage()}`);
    options[m[1]] = m[2] ?? argv[++i] ?? '';
  }
  return new BenchArgs(options);
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    // Asked for help (or nothing): the usage on stdout, success. An unknown name: stderr, 2.
    const help = !name || name === '--help' || name === '-h';
    (help ? process.stdout : process.stderr).write(`${usage()}\n`);
    process.exit(help ? 0 : 2);
  }
  const args = parseArgs(rest);
  const cleanup = new Cleanup();
  const interrupted = () => {
    process.stderr.write('interrupted: cleaning up\n');
    void cleanup.run().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await bench.run(args, cleanup);
  } finally {
    await cleanup.run();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
