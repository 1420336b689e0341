import { randomBytes } from 'node:crypto';
import { runPendingMigrations } from '../../src/common/database/migrations';
import { databaseUrl, runPrefix, withAdmin } from './test-databases';

/** Once per run: a migrated template database that every test file clones. */
export default async function globalSetup(): Promise<void> {
  process.env.TEST_RUN_ID = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const template = `${runPrefix()}_tpl`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${template}"`));
  await runPendingMigrations(databaseUrl(template));
}
