import 'reflect-metadata';
import { closeGracefullyOnSignals, createWorker, prepareDatabase } from './bootstrap';
import { loadEnvironmentOrExit } from './common/config/load-environment';
import { DatabaseUnreachableError } from './common/database/migrations';

async function main(): Promise<void> {
  const env = loadEnvironmentOrExit();
  // The API migrates; the worker only checks the database answers.
  await prepareDatabase(env, false);
  const app = await createWorker();
  closeGracefullyOnSignals(app, env.SHUTDOWN_TIMEOUT_MS);
}

main().catch((error: Error) => {
  process.stderr.write(
    `${error instanceof DatabaseUnreachableError ? error.message : `start-up failed: ${error.stack}`}\n`,
  );
  process.exit(1);
});
