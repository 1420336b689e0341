/** Stripe-like identifiers: a type prefix and random base62 characters. */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let token = '';
  // 248 = 4 * 62: rejecting larger bytes keeps the characters uniformly distributed.
  for (const byte of bytes) if (byte < 248) token += ALPHABET[byte % 62];
  return token.length >= length ? token : token + randomToken(length - token.length);
}

/** e.g. newId('pi') -> 'pi_3Pq...' (24 characters after the prefix, like Stripe's). */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomToken(length)}`;
}

export const newRequestId = (): string => newId('req', 14);
