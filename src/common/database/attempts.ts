import { errorSummary } from '../errors/describe-error';

/**
 * What every failed try writes on an outbox row (event, receipt, email): the error reduced to
 * class, code and a scrubbed message (never an SMTP recipient or a query parameter), and one
 * more attempt.
 */
export function failedTry(error: unknown) {
  return { lastError: errorSummary(error).slice(0, 2000), attempts: () => 'attempts + 1' };
}
