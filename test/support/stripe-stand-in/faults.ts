/**
 * API faults on demand: the next N API requests (optionally only those to one method and
 * path) fail the way Stripe's API fails in production, before any work is done, so a retry
 * with the same idempotency key is a first attempt:
 *
 * - `timeout`: no answer at all; the connection stays open until the client gives up (the
 *   SDK's `timeout`) or the stand-in closes.
 * - `server_error`: a 5xx with Stripe's `api_error` body (the SDK retries these itself, up
 *   to its `maxNetworkRetries`: inject more than that to reach the caller).
 * - `rate_limit`: a 429 with Stripe's `rate_limit` error body.
 * - `idempotency_key_in_use`: a 409 as when another request with the same key is still in
 *   flight; only requests that carry an `Idempotency-Key` count (and fail).
 */
import { StandInError } from './errors';
import { pathMatcher } from './router';

export const FAULT_KINDS = [
  'timeout',
  'server_error',
  'rate_limit',
  'idempotency_key_in_use',
  'invalid_request',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  kind: FaultKind;
  /** Only requests with this method (e.g. POST); any when absent. */
  method?: string | null;
  /** Only requests to this path (`/v1/payment_intents/:id` patterns allowed); any when absent. */
  path?: string | null;
  /** How many requests fail (default 1). */
  times?: number | null;
  /** For `server_error`: 500 (default), 502, 503 or 504. */
  status?: number | null;
}

/** What the HTTP layer does with a faulted request. */
export type Fault =
  { kind: 'timeout' } | { kind: 'error'; error: StandInError; headers: Record<string, string> };

interface ArmedRule {
  kind: FaultKind;
  method: string | null;
  match: ((pathname: string) => Record<string, string> | null) | null;
  left: number;
  status: number;
}

export class FaultInjector {
  private rules: ArmedRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({
      kind: rule.kind,
      method: rule.method ? rule.method.toUpperCase() : null,
      match: rule.path ? pathMatcher(rule.path) : null,
      left: rule.times ?? 1,
      status: rule.status ?? 500,
    });
  }

  clear(): void {
    this.rules = [];
  }

  /** Faults still to be injected, summed over the rules. */
  pending(): number {
    return this.rules.reduce((sum, rule) => sum + rule.left, 0);
  }

  /** The fault this request meets, if any (using up one of its rule's count). */
  take(method: string, pathname: string, idempotencyKey: string | undefined): Fault | null {
    const rule = this.rules.find(
      (candidate) =>
        candidate.left > 0 &&
        (candidate.method === null || candidate.method === method) &&
        (candidate.match === null || candidate.match(pathname) !== null) &&
        (candidate.kind !== 'idempotency_key_in_use' || idempotencyKey !== undefined),
    );
    if (!rule) return null;
    rule.left -= 1;
    this.rules = this.rules.filter((candidate) => candidate.left > 0);
    return faultOf(rule, idempotencyKey ?? '');
  }
}

function faultOf(rule: ArmedRule, idempotencyKey: string): Fault {
  switch (rule.kind) {
    case 'timeout':
      return { kind: 'timeout' };
    case 'server_error':
      return {
        kind: 'error',
        error: new StandInError({
          status: rule.status,
          type: 'api_error',
          message:
            "Sorry, something went wrong. We've already been notified of the problem, but if you need any help, you can reach us at https://support.stripe.com/contact.",
        }),
        headers: {},
      };
    case 'rate_limit':
      return {
        kind: 'error',
        error: new StandInError({
          status: 429,
          type: 'invalid_request_error',
          code: 'rate_limit',
          message:
            'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
        }),
        headers: {},
      };
    case 'invalid_request':
      // Stripe refusing a request for good, as it does before an account may take payments.
      return {
        kind: 'error',
        error: new StandInError({
          status: 400,
          type: 'invalid_request_error',
          message: 'Your account cannot currently make live charges.',
        }),
        headers: {},
      };
    case 'idempotency_key_in_use':
      return {
        kind: 'error',
        error: new StandInError({
          status: 409,
          type: 'idempotency_error',
          code: 'idempotency_key_in_use',
          message: `There is currently another in-progress request using this Stripe-Idempotency-Key (that probably means you submitted twice, and the other request is still going through): ${idempotencyKey}. Please try again later.`,
        }),
        // The other request will finish: worth retrying, unlike most 4xx.
        headers: { 'Stripe-Should-Retry': 'true' },
      };
  }
}
