import { hkdfSync } from 'node:crypto';

/**
 * A 32-byte key for one purpose, derived (HKDF-SHA256) from a secret every process of a
 * deployment shares: the same secret and purpose give the same key everywhere, another purpose
 * another key, and no key tells anything of the secret or of the others.
 */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'pledge-backend', purpose, 32));
}
