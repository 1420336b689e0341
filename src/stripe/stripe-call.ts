import { Logger } from '@nestjs/common';
import { errorSummary } from '../common/errors/describe-error';
import { DomainError } from '../common/errors/domain-error';

/**
 * Whether Stripe refused the request itself (`StripeInvalidRequestError`; with `card`, a
 * declined card too), as opposed to failing or being unreachable.
 */
export function isStripeRefusal(error: unknown, { card = false } = {}): boolean {
  const type = (error as { type?: string } | null)?.type;
  return type === 'StripeInvalidRequestError' || (card && type === 'StripeCardError');
}

/**
 * A Stripe call on a request's behalf: Stripe's refusals are the caller's bad input (422
 * `unprocessable`, after `onRefused` has undone what the refusal leaves behind); its outages
 * are ours, logged and answered 502 `payment_provider_error` with `retryHint`.
 */
export async function callStripe<T>(
  fn: () => Promise<T>,
  options: { logger: Logger; retryHint: string; onRefused?: (reason: string) => Promise<void> },
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as { type?: string; message?: string };
    if (isStripeRefusal(error, { card: true })) {
      await options.onRefused?.(`stripe: ${errorSummary(error)}`);
      throw new DomainError('unprocessable', `Stripe refused: ${e.message}`);
    }
    options.logger.warn({ err: errorSummary(e) }, 'Stripe call failed');
    throw new DomainError(
      'payment_provider_error',
      `The payment provider did not answer: ${options.retryHint}`,
    );
  }
}
