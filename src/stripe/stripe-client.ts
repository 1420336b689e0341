import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { Environment } from '../common/config/environment';

/** The API version we build against: the one the pinned SDK release speaks. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

/**
 * The one way into Stripe. Base URL from STRIPE_API_URL (the local stand-in in tests and the
 * offline demo), pinned API version, timeouts and SDK retries for network errors.
 */
@Injectable()
export class StripeClient {
  readonly sdk: Stripe;

  constructor(env: Environment) {
    const url = new URL(env.STRIPE_API_URL);
    this.sdk = new Stripe(env.STRIPE_SECRET_KEY, {
      apiVersion: STRIPE_API_VERSION,
      host: url.hostname,
      port: url.port || (url.protocol === 'http:' ? 80 : 443),
      protocol: url.protocol === 'http:' ? 'http' : 'https',
      timeout: env.STRIPE_TIMEOUT_MS,
      maxNetworkRetries: env.STRIPE_MAX_NETWORK_RETRIES,
      telemetry: false,
      appInfo: { name: 'pledge-backend' },
    });
  }

  /**
   * Deletes a customer at Stripe, with their saved payment methods, name, email and address
   * (Stripe cancels any subscription of theirs at once). `already_deleted` when Stripe no longer
   * has it, so erasing twice is safe. Not idempotency-keyed: a delete moves no money.
   */
  async deleteCustomer(customerId: string): Promise<'deleted' | 'already_deleted'> {
    try {
      await this.sdk.customers.del(customerId);
      return 'deleted';
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError && error.code === 'resource_missing') {
        return 'already_deleted';
      }
      throw error;
    }
  }
}

/**
 * An idempotency key derived from our own ids, e.g. `idempotencyKey('refund', donationId, 2)`
 * → `refund:<donationId>:2`. The same operation on the same object always sends the same
 * key, so our retries can never charge or refund twice.
 */
export function idempotencyKey(operation: string, ...ids: (string | number)[]): string {
  if (!/^[a-z][a-z0-9_.-]*$/.test(operation))
    throw new Error(`bad idempotency operation "${operation}"`);
  if (!ids.length) throw new Error('an idempotency key needs at least one id');
  const key = [operation, ...ids.map(String)].join(':');
  if (key.length > 255 || ids.some((id) => String(id) === '' || String(id).includes(':'))) {
    throw new Error(`idempotency key parts must be non-empty, without ":", 255 characters in all`);
  }
  return key;
}
