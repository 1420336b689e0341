/** What every failed try writes on an outbox row (event, receipt, email): the error, bounded, and one more attempt. */
export function failedTry(error: string) {
  return { lastError: error.slice(0, 2000), attempts: () => 'attempts + 1' };
}
