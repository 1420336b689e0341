import { DataSource, EntityManager } from 'typeorm';

/**
 * Takes a transaction-scoped Postgres advisory lock on a key such as `pi:pi_123`: work on the
 * same object, in any process, runs one transaction at a time; the lock ends with the transaction.
 */
export async function lockFor(em: EntityManager, key: string): Promise<void> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
}

/**
 * Runs `work` holding a session-level Postgres advisory lock on `key`, on a connection of its
 * own, when no one else holds it; answers null at once when someone does. For rare, long work
 * (a maintenance run) that must not hold a transaction open: the lock lasts while `work` runs,
 * and ends with the connection if the process dies.
 *
 * The lock keeps one pooled connection for the whole of `work`, so it does not suit work that
 * many jobs do at once, or work that waits on Stripe or SMTP: outbox jobs claim their row with
 * a lease instead (`OutboxTable`), and hold no connection while they work. `work` receives the
 * lock connection's manager: queries made through it need no second connection from the pool.
 */
export async function withSessionLock<T>(
  dataSource: DataSource,
  key: string,
  work: (em: EntityManager) => Promise<T>,
): Promise<{ result: T } | null> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  // A connection whose unlock failed may still hold the lock: it is closed, not pooled.
  let broken: Error | undefined;
  try {
    const rows: { locked: boolean }[] = await runner.query(
      `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`,
      [key],
    );
    if (!rows[0]?.locked) return null;
    try {
      return { result: await work(runner.manager) };
    } finally {
      await runner
        .query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [key])
        .catch((error: Error) => (broken = error));
    }
  } finally {
    await (runner.release as (error?: Error) => Promise<void>).call(runner, broken);
  }
}
