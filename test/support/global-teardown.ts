import IORedis from 'ioredis';
import { runPrefix, TEST_REDIS_URL, withAdmin } from './test-databases';

/** Drops the run's databases and deletes its queue keys. */
export default async function globalTeardown(): Promise<void> {
  const prefix = runPrefix();
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${prefix}%`],
    );
    for (const { datname } of rows)
      await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
  const redis = new IORedis(TEST_REDIS_URL, { lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis gone: nothing of ours is left in it either.
  } finally {
    redis.disconnect();
  }
}
