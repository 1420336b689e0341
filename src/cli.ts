import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ApiKeysService } from './auth/api-keys.service';
import { CampaignsService } from './campaigns/campaigns.service';
import { DEMO_CAMPAIGNS } from './campaigns/demo-campaigns';
import { CliModule } from './cli.module';
import { Environment } from './common/config/environment';
import { exitOnConfigError, loadEnvironmentOrExit } from './common/config/load-environment';
import { DatabaseUnreachableError } from './common/database/migrations';
import { DomainError } from './common/errors/domain-error';
import { prepareDatabase } from './bootstrap';
import { AuditService } from './audit/audit.service';
import { LedgerService } from './ledger/ledger.service';
import { StripeEventsService } from './stripe/events/stripe-events.service';
import { ReceiptsService } from './receipts/receipts.service';

type Options = Record<string, string | boolean | undefined>;

interface Command {
  usage: string;
  options?: Record<string, { type: 'string' | 'boolean' }>;
  /** Commands that only need the database migrated run without the Nest context. */
  run: (
    ctx: () => Promise<INestApplicationContext>,
    options: Options,
    positionals: string[],
    env: Environment,
  ) => Promise<unknown>;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

/** State-changing commands are recorded in the audit log like staff requests (key name `cli`). */
const audited = <T>(
  app: INestApplicationContext,
  action: string,
  target: Record<string, unknown>,
  run: () => Promise<T>,
) => app.get(AuditService).runCliCommand(action, target, run);

const COMMANDS: Record<string, Command> = {
  migrate: {
    usage: 'migrate                                   apply pending database migrations',
    run: async (_ctx, _o, _p, env) => {
      const applied = await prepareDatabase(env, true);
      out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    },
  },
  'seed:demo': {
    usage: 'seed:demo                                 add the two demo campaigns (idempotent)',
    run: async (ctx) => {
      const inserted = await (await ctx()).get(CampaignsService).insertMissing(DEMO_CAMPAIGNS);
      out(inserted.length ? `seeded: ${inserted.join(', ')}` : 'demo campaigns already present');
    },
  },
  'api-key:create': {
    usage: 'api-key:create --role <admin|finance> --name <name>   create a staff key (shown once)',
    options: { role: { type: 'string' }, name: { type: 'string' } },
    run: async (ctx, o) => {
      if (typeof o.role !== 'string')
        throw new DomainError('validation_failed', '--role is required');
      if (typeof o.name !== 'string')
        throw new DomainError('validation_failed', '--name is required');
      const app = await ctx();
      const { apiKey, key } = await audited(app, 'cli api-key:create', { role: o.role }, () =>
        app.get(ApiKeysService).create(o.name as string, o.role as string),
      );
      out(`created ${apiKey.role} key "${apiKey.name}" (id ${apiKey.id})`);
      out(`key (shown once, store it now): ${key}`);
    },
  },
  'api-key:list': {
    usage: 'api-key:list                              list staff keys (never the secrets)',
    run: async (ctx) => {
      const keys = await (await ctx()).get(ApiKeysService).list();
      if (!keys.length) out('no API keys');
      for (const k of keys) {
        const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
        const used = k.lastUsedAt ? k.lastUsedAt.toISOString() : 'never';
        out(
          `${k.id}  pbk_${k.lookupId}_…  ${k.role.padEnd(7)}  ${state.padEnd(32)}  last used ${used}  ${k.name}`,
        );
      }
    },
  },
  'api-key:revoke': {
    usage:
      'api-key:revoke <id>                       revoke a staff key by id or pbk_<lookup> prefix',
    run: async (ctx, _o, positionals) => {
      const target = positionals[0]?.replace(/^pbk_([a-z0-9]{12}).*$/, '$1');
      if (!target) throw new DomainError('validation_failed', 'the key id to revoke is required');
      const app = await ctx();
      await audited(app, 'cli api-key:revoke', { id: target }, () =>
        app.get(ApiKeysService).revoke(target),
      );
      out(`revoked ${positionals[0]}`);
    },
  },
  reconcile: {
    usage:
      'reconcile [--fix]                         recompute campaign totals from the ledger; --fix repairs drift',
    options: { fix: { type: 'boolean' } },
    run: async (ctx, o) => {
      const app = await ctx();
      const fix = o.fix === true;
      const reconcile = () => app.get(LedgerService).reconcile(fix);
      const drift = fix
        ? await audited(app, 'cli reconcile --fix', {}, reconcile)
        : await reconcile();
      if (!drift.length) {
        out('no drift: totals match the ledger');
        return;
      }
      for (const d of drift) {
        out(
          `drift  campaign ${d.campaignId}  ${d.field}${d.currency ? ` (${d.currency})` : ''}  stored ${d.stored}  ledger ${d.fromLedger}`,
        );
      }
      out(
        o.fix
          ? `repaired ${drift.length} totals from the ledger`
          : `${drift.length} totals drift: run with --fix to repair`,
      );
      if (!o.fix) process.exitCode = 3;
    },
  },
  'stripe:sync': {
    usage:
      'stripe:sync --since <date>                store and process events Stripe has that we never received',
    options: { since: { type: 'string' } },
    run: async (ctx, o) => {
      const since = typeof o.since === 'string' ? new Date(o.since) : undefined;
      if (!since || Number.isNaN(since.getTime())) {
        throw new DomainError(
          'validation_failed',
          '--since must be a date such as 2026-11-01 or 2026-11-01T12:00:00Z',
        );
      }
      const { seen, stored } = await (await ctx()).get(StripeEventsService).syncSince(since);
      out(
        `looked at ${seen} events since ${since.toISOString()}: ${stored} were missing and are now stored and queued`,
      );
    },
  },
  'statements:send': {
    usage:
      'statements:send --year <year>            queue one year-end statement email per donor with gifts that year',
    options: { year: { type: 'string' } },
    run: async (ctx, o) => {
      const year = Number(o.year);
      if (!Number.isInteger(year) || year < 2000 || year > 2100) {
        throw new DomainError('validation_failed', '--year must be a year such as 2026');
      }
      const app = await ctx();
      const queued = await audited(app, 'cli statements:send', { year }, () =>
        app.get(ReceiptsService).sendStatements(year),
      );
      out(`queued ${queued} year-end statements for ${year}`);
    },
  },
};

function help(): string {
  return [
    'usage: npm run cli -- <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(
      `${name && name !== 'help' ? `unknown command "${name}"\n\n` : ''}${help()}\n`,
    );
    return name && name !== 'help' ? 2 : 0;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: command.options ?? {},
    allowPositionals: true,
    strict: true,
  });
  const env = loadEnvironmentOrExit({ devSettings: true });
  let context: INestApplicationContext | undefined;
  const ctx = async () => {
    if (!context) {
      await prepareDatabase(env, false);
      // Logs go to stderr so that stdout is only the command's answer.
      context = await NestFactory.createApplicationContext(
        CliModule.forRoot({ destination: pino.destination(2) }),
        { logger: ['error', 'warn'] },
      );
    }
    return context;
  };
  try {
    await command.run(ctx, values, positionals, env);
    return Number(process.exitCode ?? 0);
  } finally {
    await context?.close();
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error: Error) => {
    if (error instanceof DomainError || error instanceof DatabaseUnreachableError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${error.message}\n\n${help()}\n`);
      process.exit(2);
    }
    exitOnConfigError(error);
  });
