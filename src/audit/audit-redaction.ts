import { REDACT_PATHS } from '../common/logging/redaction';

export const REDACTED = '[Redacted]';

/** Keys the logs never show, as listed in the logging redaction (`body.<key>` paths). */
const SENSITIVE_KEYS = [
  ...new Set(
    REDACT_PATHS.filter((p) => p.startsWith('body.')).map((p) => normaliseKey(p.slice(5))),
  ),
];

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Whether a field is personal or secret: it is one of the logs' sensitive keys or ends with
 * one (`donorEmail`, `toAddress`, `idempotencyKey`, `displayName`). Over-redacting is safe.
 */
export function isSensitiveKey(key: string): boolean {
  const k = normaliseKey(key);
  return SENSITIVE_KEYS.some((s) => k === s || k.endsWith(s));
}

const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g;
/** Our staff keys, Stripe secrets and webhook secrets, wherever they appear in a string. */
const SECRET = /\b(?:pbk|sk|rk|whsec)_[A-Za-z0-9_-]+/g;

/** A string with any email address or secret inside it masked. */
export function redactString(value: string): string {
  return value.replace(EMAIL, REDACTED).replace(SECRET, REDACTED);
}

const MAX_DEPTH = 6;
const MAX_ARRAY = 50;
const MAX_STRING = 500;

/**
 * A copy of a request body fit for the audit log: sensitive keys' values replaced, emails and
 * secrets masked inside any other string, long strings and arrays cut, deep nesting dropped.
 */
export function redactForAudit(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'string') {
    const masked = redactString(value);
    return masked.length > MAX_STRING ? `${masked.slice(0, MAX_STRING)}…` : masked;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ARRAY).map((v) => redactForAudit(v, depth + 1));
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSensitiveKey(k) ? REDACTED : redactForAudit(v, depth + 1);
    }
    return out;
  }
  return null;
}

/** What an audit row keeps of a response: its `id` and `status`, never the rest. */
export function responseSummary(body: unknown): Record<string, unknown> | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const summary: Record<string, unknown> = {};
  for (const field of ['id', 'status'] as const) {
    const v = b[field];
    if (typeof v === 'string' || typeof v === 'number') summary[field] = redactForAudit(v);
  }
  return Object.keys(summary).length ? summary : null;
}
