import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Paging cursors the public cannot read or forge: the position (ids, times) is sealed with
 * AES-256-GCM, so a cursor shows nothing of what it points at, and a changed one fails to open.
 * Pure: the caller passes the key.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals `position` into a URL-safe cursor; sealing it twice gives two different cursors. */
export function sealCursor(key: Buffer, position: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(position, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The position a cursor holds, or null when it was not sealed with this key or was changed. */
export function openCursor(key: Buffer, cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return null;
  }
}
