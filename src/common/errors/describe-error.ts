import { DomainError } from './domain-error';

/**
 * An error reduced to what a log line, a `last_error` column, a job-failure row or BullMQ's
 * `failedReason` may hold: its class, a code, and a message with no personal data.
 */
export interface ErrorDescription {
  /** `QueryFailedError`, `DomainError`, `StripeCardError`, `Error` … */
  class: string;
  /** DomainError code, SQLSTATE, nodemailer code and SMTP reply, Stripe code; null if none. */
  code: string | null;
  /** Scrubbed: no email, quoted value, bracketed address, query text, parameter or token. */
  message: string;
}

export const REDACTED = '[Redacted]';
const MAX_MESSAGE = 500;

/** Condition names of the SQLSTATEs we meet (Postgres appendix A); others show the code only. */
const SQLSTATE_NAMES: Record<string, string> = {
  '22001': 'string_data_right_truncation',
  '22003': 'numeric_value_out_of_range',
  '22007': 'invalid_datetime_format',
  '22P02': 'invalid_text_representation',
  '23502': 'not_null_violation',
  '23503': 'foreign_key_violation',
  '23505': 'unique_violation',
  '23514': 'check_violation',
  '23P01': 'exclusion_violation',
  '25P02': 'in_failed_sql_transaction',
  '40001': 'serialization_failure',
  '40P01': 'deadlock_detected',
  '42703': 'undefined_column',
  '42P01': 'undefined_table',
  '53300': 'too_many_connections',
  '55P03': 'lock_not_available',
  '57014': 'query_canceled',
  '57P01': 'admin_shutdown',
  P0001: 'raise_exception',
};

const EMAIL = /[^\s@"'<>(),;:[\]]+@[^\s@"'<>(),;:[\]]+/g;
const ANGLE = /<[^<>]*>/g;
const DOUBLE_QUOTED = /"[^"]*"/g;
const SINGLE_QUOTED = /'[^']*'/g;
/** Postgres's `Key (email)=(a@b.c)` and `Failing row contains (…)`. */
const ROW_VALUES = /=\s*\([^)]*\)|row contains \([^)]*\)/gi;
/** Our staff keys, Stripe keys and client secrets, webhook secrets, bearer tokens. */
const SECRET =
  /\b(?:pbk|sk|rk|pk|whsec)_[A-Za-z0-9_-]+|_secret_[A-Za-z0-9]+|\bBearer\s+\S+|\bBasic\s+\S+/gi;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Long opaque strings (sign-in tokens, session ids, base64): kept only when a UUID. */
const TOKEN_LIKE = /[A-Za-z0-9_+=-]{32,}/g;

/**
 * A free-text message with every personal or secret part masked: email addresses, anything in
 * angle brackets or quotes (SMTP servers quote the recipient, Postgres and Stripe the value),
 * row values, secrets and long tokens (UUIDs stay: they are our ids). Bounded in length.
 */
export function scrubText(text: string): string {
  const scrubbed = text
    .replace(ROW_VALUES, (m) => m.replace(/\(.*\)/, `(${REDACTED})`))
    .replace(SECRET, REDACTED)
    .replace(ANGLE, `<${REDACTED}>`)
    .replace(DOUBLE_QUOTED, `"${REDACTED}"`)
    .replace(SINGLE_QUOTED, `'${REDACTED}'`)
    .replace(EMAIL, REDACTED)
    .replace(TOKEN_LIKE, (m) => (UUID.test(m) ? m : REDACTED))
    .replace(/\s+/g, ' ')
    .trim();
  return scrubbed.length > MAX_MESSAGE ? `${scrubbed.slice(0, MAX_MESSAGE)}…` : scrubbed;
}

type Bag = Record<string, unknown>;

function str(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0 && value.length <= 64) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A Postgres identifier as the error names it (constraint, table, column): safe to keep. */
function identifier(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_$.]{0,126}$/.test(value) ? value : null;
}

function className(err: Bag): string {
  let ctor = (err.constructor as { name?: unknown } | undefined)?.name;
  // pino's standard serializer's output (`{ type, message, stack, …own fields }`).
  if (ctor === 'Object' && typeof err.type === 'string') ctor = err.type;
  const name = typeof err.name === 'string' && err.name !== 'Error' ? err.name : ctor;
  return typeof name === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(name) ? name : 'Error';
}

/** pg's DatabaseError, or TypeORM's QueryFailedError, which copies its fields onto itself. */
function fromPostgres(err: Bag, cls: string): ErrorDescription | null {
  const driver = (err.driverError as Bag | undefined) ?? err;
  const code = typeof driver.code === 'string' ? driver.code : null;
  const isPg = code !== null && /^[0-9A-Z]{5}$/.test(code) && 'severity' in driver;
  if (!isPg && cls !== 'QueryFailedError') return null;
  const parts = [code ? (SQLSTATE_NAMES[code] ?? 'database error') : 'query failed'];
  for (const field of ['table', 'column', 'constraint'] as const) {
    const value = identifier(driver[field]);
    if (value) parts.push(`${field} ${value}`);
  }
  return { class: cls, code, message: parts.join(', ') };
}

/** nodemailer's errors: `code` (EENVELOPE, EAUTH …), the SMTP reply code and command, never the reply text. */
function fromSmtp(err: Bag, cls: string): ErrorDescription | null {
  const code = str(err.code);
  const isSmtp =
    (code !== null && /^E[A-Z]+$/.test(code) && ('command' in err || 'responseCode' in err)) ||
    code === 'EENVELOPE' ||
    code === 'EMESSAGE' ||
    (typeof err.responseCode === 'number' && typeof err.response === 'string');
  if (!isSmtp) return null;
  const responseCode = typeof err.responseCode === 'number' ? err.responseCode : null;
  const enhanced =
    typeof err.response === 'string' ? /\b[245]\.\d{1,3}\.\d{1,3}\b/.exec(err.response)?.[0] : '';
  const command = typeof err.command === 'string' ? err.command.split(/\s/)[0] : null;
  const rejected = Array.isArray(err.rejected) ? err.rejected.length : null;
  const parts = [
    'SMTP',
    responseCode ? `${responseCode}${enhanced ? ` ${enhanced}` : ''}` : null,
    command ? `on ${command}` : null,
    rejected ? `${rejected} recipient(s) rejected` : null,
  ].filter(Boolean);
  const fullCode = [code, responseCode].filter((p) => p !== null).join(' ') || null;
  return { class: cls, code: fullCode, message: parts.join(' ') };
}

/** Stripe's errors (`type` StripeCardError …, `code`, `decline_code`): the message scrubbed. */
function fromStripe(err: Bag, cls: string): ErrorDescription | null {
  const type = typeof err.type === 'string' && /^Stripe\w+Error$/.test(err.type) ? err.type : null;
  if (!type) return null;
  const code = [str(err.code), str(err.decline_code)].filter(Boolean).join(' ') || null;
  return { class: type, code, message: scrubText(String(err.message ?? cls)) };
}

const DESCRIBED = Symbol('described');

/**
 * Any thrown value reduced to `{ class, code, message }`. Pure. Query text, query parameters,
 * Postgres's detail, SMTP recipients and replies are never read into the message.
 */
export function describeError(err: unknown): ErrorDescription {
  if (err === null || err === undefined || typeof err !== 'object') {
    return { class: typeof err, code: null, message: scrubText(String(err)) };
  }
  const bag = err as Bag;
  const known = (err as { [DESCRIBED]?: ErrorDescription })[DESCRIBED];
  if (known) return { ...known };
  const cls = className(bag);
  if (err instanceof DomainError) {
    return { class: cls, code: err.code, message: scrubText(err.message) };
  }
  return (
    fromPostgres(bag, cls) ??
    fromSmtp(bag, cls) ??
    fromStripe(bag, cls) ?? {
      class: cls,
      code: str(bag.code) ?? str(bag.status),
      message: scrubText(typeof bag.message === 'string' ? bag.message : ''),
    }
  );
}

/** One line: `QueryFailedError [23505]: unique_violation, table donors, constraint donors_email_key`. */
export function formatError(d: ErrorDescription): string {
  return `${d.class}${d.code ? ` [${d.code}]` : ''}${d.message ? `: ${d.message}` : ''}`;
}

/** The one-line summary of any error, for a `last_error` or `error` column. */
export function errorSummary(err: unknown): string {
  return formatError(describeError(err));
}

/**
 * The stack's frames only (`    at fn (file:line)`: code locations, no values); the message
 * lines above them, which may quote data, are dropped.
 */
export function stackFrames(err: unknown): string[] {
  const stack = (err as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return [];
  return stack
    .split('\n')
    .filter((line) => /^\s+at\s/.test(line))
    .slice(0, 30);
}

/** What a log line shows of an error (pino's `err` serializer): no personal data, frames kept. */
export function serializeError(err: unknown): ErrorDescription & { stack?: string } {
  const d = describeError(err);
  const frames = stackFrames(err);
  return frames.length ? { ...d, stack: [formatError(d), ...frames].join('\n') } : d;
}

/**
 * pino's serializer for `err` and `error`, whoever logs them (our classes, Nest, libraries):
 * an error becomes its description and frames; one already serialized passes through.
 */
export function logSafeError(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'object' && !(value instanceof Error)) {
    // Already described (then passed through pino's standard serializer, which adds `type`).
    const v = value as Partial<ErrorDescription> & { stack?: unknown };
    if (typeof v.class === 'string' && typeof v.message === 'string') {
      return {
        class: v.class,
        code: v.code ?? null,
        message: v.message,
        ...(typeof v.stack === 'string' ? { stack: v.stack } : {}),
      };
    }
  }
  if (typeof value === 'string') return scrubText(value);
  return serializeError(value);
}

/** BullMQ's own control errors: their messages are constant, and BullMQ checks their name. */
const BULLMQ_CONTROL = new Set(['DelayedError', 'WaitingChildrenError', 'RateLimitError']);

/**
 * An Error to throw in place of `err` where its message and stack are stored (BullMQ keeps a
 * failed job's `failedReason` and `stacktrace` in Redis): message the one-line summary, stack
 * the summary and the frames. Keeps `UnrecoverableError`'s name, so BullMQ still stops retrying
 * (`unrecoverable` gives it that name: a permanent failure such as an SMTP 5xx).
 */
export function scrubbedError(err: unknown, options: { unrecoverable?: boolean } = {}): Error {
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && BULLMQ_CONTROL.has(name)) return err as Error;
  const d = describeError(err);
  const scrubbed = new Error(formatError(d));
  if (name === 'UnrecoverableError' || options.unrecoverable) scrubbed.name = 'UnrecoverableError';
  scrubbed.stack = [formatError(d), ...stackFrames(err)].join('\n');
  Object.defineProperty(scrubbed, DESCRIBED, { value: d, enumerable: false });
  return scrubbed;
}
