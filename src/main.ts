import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { closeGracefullyOnSignals, createApi, prepareDatabase } from './bootstrap';
import { loadEnvironmentOrExit } from './common/config/load-environment';
import { DatabaseUnreachableError } from './common/database/migrations';

async function main(): Promise<void> {
  const env = loadEnvironmentOrExit();
  const applied = await prepareDatabase(env, env.MIGRATIONS_RUN);
  const app = await createApi(env);
  const logger = new Logger('Api');
  if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
  closeGracefullyOnSignals(app, env.SHUTDOWN_TIMEOUT_MS, env.SHUTDOWN_DRAIN_MS);
  await app.listen(env.PORT);
  logger.log(`listening on port ${env.PORT}`);
}

main().catch((error: Error) => {
  // One line, naming what is wrong; a stack only for the unexpected.
  process.stderr.write(
    `${error instanceof DatabaseUnreachableError ? error.message : `start-up failed: ${error.stack}`}\n`,
  );
  process.exit(1);
});
