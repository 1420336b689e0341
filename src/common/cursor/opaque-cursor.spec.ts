import { deriveKey } from '../crypto/derive-key';
import { openCursor, sealCursor } from './opaque-cursor';

describe('opaque cursors', () => {
  const key = deriveKey('a shared secret', 'supporters');
  const position =
    '2026-12-06T10:00:00.000Z|2026-12-06T09:59:58.123Z|0b0c6f1e-8a2b-4c3d-9e4f-5a6b7c8d9e0f';

  it('round-trips a position, and hides it', () => {
    const cursor = sealCursor(key, position);
    expect(openCursor(key, cursor)).toBe(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
    expect(decoded).not.toContain('2026');
    expect(decoded).not.toContain('0b0c6f1e');
    expect(sealCursor(key, position)).not.toBe(cursor);
  });

  it('derives the same key from the same secret and purpose, another for another purpose', () => {
    expect(deriveKey('a shared secret', 'supporters').equals(key)).toBe(true);
    expect(deriveKey('a shared secret', 'reports').equals(key)).toBe(false);
    expect(deriveKey('another secret', 'supporters').equals(key)).toBe(false);
    expect(key).toHaveLength(32);
  });

  it('refuses a changed, truncated, foreign or malformed cursor', () => {
    const cursor = sealCursor(key, position);
    const raw = Buffer.from(cursor, 'base64url');
    for (const i of [0, 12, 20, raw.length - 1]) {
      const changed = Buffer.from(raw);
      changed[i] ^= 1;
      expect(openCursor(key, changed.toString('base64url'))).toBeNull();
    }
    expect(openCursor(key, cursor.slice(0, -4))).toBeNull();
    expect(openCursor(deriveKey('another secret', 'supporters'), cursor)).toBeNull();
    expect(openCursor(key, 'nonsense')).toBeNull();
    expect(openCursor(key, '')).toBeNull();
    expect(openCursor(key, 'a+b/c=')).toBeNull();
    const legacy = Buffer.from(position).toString('base64url');
    expect(openCursor(key, legacy)).toBeNull();
  });
});
