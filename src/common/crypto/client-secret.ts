import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * SHA-256 of a PaymentIntent's client secret, hex: what is kept to check a thank-you page
 * (the secret itself is never stored).
 */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** True when `given` is the secret whose hash is `storedHash` (compared in constant time). */
export function clientSecretMatches(storedHash: string | null | undefined, given: string): boolean {
  if (!storedHash) return false;
  return timingSafeEqual(
    Buffer.from(storedHash, 'hex'),
    Buffer.from(hashClientSecret(given), 'hex'),
  );
}
