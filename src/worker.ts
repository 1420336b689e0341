import 'reflect-metadata';
import { closeGracefullyOnSignals, createWorker, prepareDatabase } from './bootstrap';
import { loadEnvironmentOrExit } from './common/config/load-environment';
import {
  DatabaseUnreachableError,
  SchemaNotReadyError,
  waitForSchema,
} from './common/database/migrations';

/** How long a worker waits for the API (or an operator) to migrate before it gives up. */
const SCHEMA_WAIT_MS = 5 * 60_000;

async function main(): Promise<void> {
  const env = loadEnvironmentOrExit();
  // The API migrates; the worker checks the database answers, then waits until its schema is
  // complete before it schedules or consumes anything (started first, it would query tables
  // that do not exist yet).
  await prepareDatabase(env, false);
  await waitForSchema(env.DATABASE_URL, {
    timeoutMs: SCHEMA_WAIT_MS,
    onWait: (pending) =>
      process.stdout.write(
        `worker: waiting for the database schema (${pending.length} migration(s) not applied yet: the API applies them at start-up)\n`,
      ),
  });
  const app = await createWorker();
  closeGracefullyOnSignals(app, env.SHUTDOWN_TIMEOUT_MS);
}

main().catch((error: Error) => {
  process.stderr.write(
    `${error instanceof DatabaseUnreachableError ? error.message : error instanceof SchemaNotReadyError ? `worker: ${error.message}` : `start-up failed: ${error.stack}`}\n`,
  );
  process.exit(1);
});
