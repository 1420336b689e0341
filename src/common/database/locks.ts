import { EntityManager } from 'typeorm';

/**
 * Takes a transaction-scoped Postgres advisory lock on a key such as `pi:pi_123`: work on the
 * same object, in any process, runs one transaction at a time; the lock ends with the transaction.
 */
export async function lockFor(em: EntityManager, key: string): Promise<void> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
}
