import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  getMetadataStorage,
  Matches,
  Max,
  Min,
  validateSync,
  ValidateBy,
  ValidateIf,
  ValidationError,
} from 'class-validator';
import { CronExpressionParser } from 'cron-parser';
import { parseTrustProxy, TrustProxy } from './trust-proxy';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  return value;
};
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

/** A time zone Intl knows (which is what Postgres knows too): an invalid one stops start-up. */
const isTimeZone = (value: unknown) => {
  if (typeof value !== 'string' || !value) return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: value });
    return true;
  } catch {
    return false;
  }
};
/** Its canonical spelling (`europe/paris` → `Europe/Paris`); anything invalid is left to refuse. */
const toTimeZone = ({ value }: { value: unknown }) =>
  isTimeZone(value)
    ? new Intl.DateTimeFormat(undefined, { timeZone: value as string }).resolvedOptions().timeZone
    : value;

const URL_ERROR = (scheme: string) => `must be a ${scheme} URL`;

/**
 * A maintenance schedule: a cron pattern (5 or 6 fields) that BullMQ's own cron parser accepts,
 * an interval of at least a second such as `30s`, `5m`, `1h`, or `off`. A pattern BullMQ would
 * refuse (`61 * * * *`) stops start-up here, instead of failing the worker on every retry.
 */
export function scheduleProblem(value: unknown): string | undefined {
  const expected =
    'must be a cron pattern such as "0 3 * * *", an interval such as 5m or 1h, or off';
  if (typeof value !== 'string') return expected;
  const trimmed = value.trim();
  if (trimmed === 'off') return undefined;
  const interval = /^(\d+)(s|m|h)$/.exec(trimmed);
  if (interval) return Number(interval[1]) > 0 ? undefined : `${expected} (an interval above 0)`;
  if (!/^\S+( \S+){4,5}$/.test(trimmed)) return `${expected} (a cron pattern has 5 or 6 fields)`;
  try {
    CronExpressionParser.parse(trimmed);
    return undefined;
  } catch (error) {
    return `${expected} (${(error as Error).message})`;
  }
}
const IsSchedule = () =>
  ValidateBy({
    name: 'isSchedule',
    validator: {
      validate: (value: unknown) => scheduleProblem(value) === undefined,
      defaultMessage: (args) => scheduleProblem(args?.value) ?? 'is invalid',
    },
  });

/**
 * Every variable the service reads. Validated once at boot; nothing else reads process.env.
 * `.env.example` documents each of them.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer port number' })
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, { message: URL_ERROR('postgres://') })
  DATABASE_URL: string;

  @Matches(/^rediss?:\/\/[^\s]+$/, { message: URL_ERROR('redis://') })
  REDIS_URL: string;

  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, {
    message: 'must be a Stripe secret key (sk_test_…, sk_live_… or a restricted rk_ key)',
  })
  STRIPE_SECRET_KEY: string;

  /**
   * Seals public paging cursors (the campaign page's `supportersCursor`, an action's
   * `signersCursor`) so that they reveal no gift's or signature's id or time, and keys the
   * stored digest of signers' addresses (one signature per address per action): every process
   * needs the same value, for the deployment's life. Unset: a key derived from
   * STRIPE_SECRET_KEY (for each purpose its own), which the processes share already.
   */
  @IsOptional()
  @IsString()
  @Matches(/^\S{32,}$/, { message: 'must be at least 32 characters, without spaces' })
  CURSOR_SECRET?: string;

  /**
   * Publishable key for Stripe.js on the donor portal (card updates with the Payment Element).
   * Unset with the stand-in (outside production): the portal shows a simulated card form.
   * Unset with Stripe's API: the portal says card updates are not available.
   */
  @IsOptional()
  @Matches(/^pk_(test|live)_[A-Za-z0-9_]+$/, {
    message: 'must be a Stripe publishable key (pk_test_… or pk_live_…)',
  })
  STRIPE_PUBLISHABLE_KEY?: string;

  @Transform(toList)
  @Matches(/^whsec_[A-Za-z0-9_]+$/, {
    each: true,
    message: 'must be a comma-separated list of Stripe webhook secrets (whsec_…)',
  })
  STRIPE_WEBHOOK_SECRETS: string[];

  @Matches(/^https?:\/\/[^\s/]+(:\d+)?\/?$/, {
    message: 'must be an http(s) URL with no path, e.g. https://api.stripe.com',
  })
  STRIPE_API_URL = 'https://api.stripe.com';

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  STRIPE_TIMEOUT_MS = 20000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  STRIPE_MAX_NETWORK_RETRIES = 2;

  @Matches(/^smtps?:\/\/[^\s]+$/, { message: URL_ERROR('smtp:// or smtps://') })
  SMTP_URL: string;

  @IsString()
  @Matches(/^(.+<)?[^\s@<>]+@[^\s@<>]+>?$/, {
    message: 'must be an email address, optionally with a display name: "Name <a@b.org>"',
  })
  MAIL_FROM: string;

  @Matches(/^https?:\/\/[^\s]+$/, { message: URL_ERROR('http(s)://') })
  PUBLIC_BASE_URL: string;

  @Transform(toList)
  @Matches(/^(\*|https?:\/\/[^\s,/]+(:\d+)?)$/, {
    each: true,
    message: 'must be a comma-separated list of origins such as https://example.org (or *)',
  })
  CORS_ORIGINS: string[] = [];

  /**
   * Host names a Checkout session may send donors back to (successUrl, cancelUrl), e.g. the
   * campaign sites. Unset: the hosts of CORS_ORIGINS and PUBLIC_BASE_URL (outside production,
   * any host). Anyone can start a session: were any host allowed, a stranger could make a
   * genuine Stripe payment page for the campaign that ends on a page of theirs. Production with
   * CORS_ORIGINS=* must therefore name the hosts here.
   */
  @ValidateIf(
    (env: Environment) =>
      env.CHECKOUT_RETURN_HOSTS.length > 0 ||
      (env.NODE_ENV === 'production' && env.CORS_ORIGINS.includes('*')),
  )
  @ValidateBy({
    name: 'requiredInProduction',
    validator: {
      validate: (value: unknown) => Array.isArray(value) && value.length > 0,
      defaultMessage: () =>
        'with NODE_ENV=production and CORS_ORIGINS=*: the campaign sites Checkout may send donors back to, e.g. free-the-seven.example.org',
    },
  })
  @Transform(toList)
  @Matches(/^[a-z0-9.-]+$/i, {
    each: true,
    message: 'must be a comma-separated list of host names such as example.org',
  })
  CHECKOUT_RETURN_HOSTS: string[] = [];

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  MIGRATIONS_RUN = true;

  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ . : or -' })
  QUEUE_PREFIX = 'pledges';

  /**
   * Jobs one worker process runs at once on each queue (mail, receipts, maintenance), except
   * stripe-events, which has STRIPE_EVENTS_CONCURRENCY.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY = 8;

  /**
   * Stripe events one worker process handles at once. Each spends most of its run waiting for
   * Stripe, holding no database connection, so this is not bound by DATABASE_POOL_SIZE.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of jobs' })
  @Min(1)
  @Max(1024)
  STRIPE_EVENTS_CONCURRENCY = 64;

  /**
   * Postgres connections one process (API, worker or CLI) may open. Jobs take turns on them
   * (a connection per query or short transaction), whatever the job concurrency.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of connections' })
  @Min(2)
  @Max(1000)
  DATABASE_POOL_SIZE = 20;

  /**
   * How long a worker holds a job before others may take it over: a worker that died
   * mid-job has its jobs picked up again after this.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WORKER_LOCK_DURATION_MS = 30000;

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 100kb or 1mb' })
  BODY_LIMIT = '100kb';

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 25000;

  /** On SIGTERM, how long the API keeps serving (readiness 503) before it closes. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_DRAIN_MS = 2000;

  @IsOptional()
  @IsString()
  ORGANIZATION_NAME = 'Campaign organisation';

  /** IANA time zone of the organisation: report periods are whole days in it. */
  @Transform(toTimeZone)
  @IsString()
  @ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: isTimeZone,
      defaultMessage: () => 'must be an IANA time zone such as Europe/Paris',
    },
  })
  ORGANIZATION_TIMEZONE = 'UTC';

  /** Printed on receipts: the organisation's postal address (lines separated by `|`). */
  @IsString()
  ORGANIZATION_ADDRESS = '';

  /** Printed on receipts: charity or tax registration number. */
  @IsString()
  ORGANIZATION_REGISTRATION_NUMBER = '';

  /** The tax wording every receipt carries. */
  @IsString()
  RECEIPT_TAX_TEXT = 'No goods or services were provided in exchange for this gift.';

  /** Subject of receipt emails; {number} is replaced by the receipt number. */
  @IsString()
  RECEIPT_EMAIL_SUBJECT = 'Your receipt {number}';

  /** Fee model for `coverFees`: percent of the charge… */
  @Matches(/^\d{1,2}(\.\d{1,2})?$/, { message: 'must be a percentage such as 2.9' })
  FEE_COVER_PERCENT = '2.9';

  /** …plus a fixed amount per currency, in minor units. */
  @Matches(/^[a-z]{3}:\d+(,[a-z]{3}:\d+)*$/, { message: 'must be a list such as usd:30,eur:25' })
  FEE_COVER_FIXED = 'usd:30,eur:25,gbp:20,cad:30,aud:30,chf:30,jpy:0';

  /** How often the worker re-enqueues stored events still pending (e.g. after Redis was down). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  SWEEP_INTERVAL_MS = 30000;

  /**
   * Which proxies in front of the API are believed about the client's address (X-Forwarded-For),
   * the address every per-client limit counts: a hop count, or proxy IPs/CIDRs (and express's
   * names loopback, linklocal, uniquelocal). Default: a proxy on the same machine only.
   */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (parseTrustProxy(value) ?? value) : value,
  )
  @ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (value: unknown) => typeof value === 'number' || Array.isArray(value),
      defaultMessage: () =>
        'must be a hop count such as 1, or a comma-separated list of proxy IPs or CIDR ranges (or loopback, linklocal, uniquelocal)',
    },
  })
  TRUST_PROXY: TrustProxy = ['loopback'];

  /** Donation and pledge creation: requests per minute per client (each route counts apart). */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of requests per minute' })
  @Min(1)
  RATE_LIMIT_DONATIONS = 30;

  /** Donation and pledge creation: attempts per hour per donor email address, from any client. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of requests per hour' })
  @Min(1)
  RATE_LIMIT_DONATIONS_PER_EMAIL = 10;

  /** Donation and pledge creation: attempts per minute per campaign, all clients together. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of requests per minute' })
  @Min(1)
  RATE_LIMIT_DONATIONS_PER_CAMPAIGN = 300;

  /** Failed payments of gifts one client or one email address started, within the window… */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of failed payments' })
  @Min(1)
  RATE_LIMIT_FAILED_PAYMENTS = 5;

  /** …of this many minutes… */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(1)
  @Max(10080)
  RATE_LIMIT_FAILED_PAYMENTS_WINDOW_MINUTES = 60;

  /** …block that client or address from starting gifts for this many minutes. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(1)
  @Max(10080)
  RATE_LIMIT_BLOCK_MINUTES = 60;

  /**
   * Secret key of a CAPTCHA service (Turnstile, hCaptcha or compatible). When set, donation and
   * pledge creation need a `captchaToken` that CAPTCHA_VERIFY_URL accepts.
   */
  @ValidateIf((env: Environment) => env.CAPTCHA_SECRET !== undefined || !!env.CAPTCHA_VERIFY_URL)
  @IsString({ message: 'must be set with CAPTCHA_VERIFY_URL' })
  CAPTCHA_SECRET?: string;

  /** The CAPTCHA service's siteverify endpoint (form POST of secret, response, remoteip). */
  @ValidateIf((env: Environment) => env.CAPTCHA_VERIFY_URL !== undefined || !!env.CAPTCHA_SECRET)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL, set with CAPTCHA_SECRET' })
  CAPTCHA_VERIFY_URL?: string;

  /** The CAPTCHA's public site key, told to front-ends by GET /v1/config. */
  @IsOptional()
  @Matches(/^\S{1,200}$/, { message: 'must be a site key without spaces' })
  CAPTCHA_SITE_KEY?: string;

  /** Sign-in link requests per email address per hour (also per client IP: 30 an hour). */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of requests per hour' })
  @Min(1)
  RATE_LIMIT_SIGNIN = 5;

  /** How long a donor stays signed in after following a sign-in link. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(1)
  @Max(43200)
  DONOR_SESSION_TTL_MINUTES = 120;

  /**
   * When set, `GET /metrics` (API and worker) needs `Authorization: Bearer <this token>`.
   * Required with NODE_ENV=production unless METRICS_PUBLIC=true.
   */
  @ValidateIf(
    (env: Environment) =>
      env.METRICS_TOKEN !== undefined || (env.NODE_ENV === 'production' && !env.METRICS_PUBLIC),
  )
  @ValidateBy({
    name: 'requiredInProduction',
    validator: {
      validate: (value: unknown) => value !== undefined,
      defaultMessage: () =>
        'with NODE_ENV=production; or set METRICS_PUBLIC=true to serve /metrics without a token',
    },
  })
  @Matches(/^\S{16,}$/, { message: 'must be at least 16 characters without spaces' })
  METRICS_TOKEN?: string;

  /**
   * `true`: `/metrics` may go without METRICS_TOKEN in production (a private network that only
   * Prometheus reaches). Without a token, `/metrics` is open whatever this says.
   */
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  METRICS_PUBLIC = false;

  /** Port of the worker's own `/metrics` listener; 0 turns it off. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer port number' })
  @Min(0)
  @Max(65535)
  WORKER_METRICS_PORT = 9464;

  /** Address the worker's `/metrics` listener binds: 0.0.0.0 (all, in a container), 127.0.0.1 … */
  @Matches(/^[A-Za-z0-9.:-]+$/, { message: 'must be a host name or IP address such as 0.0.0.0' })
  WORKER_METRICS_HOST = '0.0.0.0';

  /**
   * Readiness turns 503 when a Stripe event or outbox row has waited longer than this since it
   * last became pending (`pending_since`); 0 turns that off (the ages are still reported).
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(0)
  READY_MAX_BACKLOG_AGE_SECONDS = 900;

  /** When the worker fetches Stripe's recent events to recover lost webhooks: cron, interval (`1h`) or `off`. */
  @IsSchedule()
  MAINTENANCE_STRIPE_SYNC_SCHEDULE = '0 * * * *';

  /** How far back (hours) the scheduled Stripe sync looks; Stripe keeps 30 days of events. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of hours' })
  @Min(1)
  @Max(720)
  MAINTENANCE_STRIPE_SYNC_LOOKBACK_HOURS = 72;

  /** When the worker compares campaign totals with the ledger, in ORGANIZATION_TIMEZONE. */
  @IsSchedule()
  MAINTENANCE_RECONCILE_SCHEDULE = '0 3 * * *';

  /** When the worker retries stuck events, receipts and emails. */
  @IsSchedule()
  MAINTENANCE_RETRY_STUCK_SCHEDULE = '*/5 * * * *';

  /**
   * How often the worker looks for actions whose `deliveryCron` has come round (cron, interval
   * such as `1m`, or `off`): a delivery is made at the first check after its time.
   */
  @IsSchedule()
  ACTION_DELIVERY_CHECK_SCHEDULE = '1m';

  /**
   * How often the worker closes campaigns whose `endsAt` has come, and finishes closings' pledge
   * endings a lost job left (cron, interval such as `1m`, or `off`).
   */
  @IsSchedule()
  CAMPAIGN_CLOSE_CHECK_SCHEDULE = '1m';

  /** A pending event, receipt or email is stuck once it has waited this many minutes. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(1)
  MAINTENANCE_STUCK_AFTER_MINUTES = 15;
}

/** The names of every variable, from the validation metadata of `Environment`. */
export const ENVIRONMENT_VARIABLES: string[] = [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(Environment, '', true, false)
      .map((m) => m.propertyName),
  ),
];

export class ConfigError extends Error {
  constructor(
    message: string,
    /** The variable at fault, when one is. */
    readonly variable?: string,
    /** True when that variable is not set at all. */
    readonly missing = false,
  ) {
    super(message);
  }
}

function describe(error: ValidationError): { message: string; missing: boolean } {
  // class-validator's own messages start with the property name; ours do not.
  // Decorators run bottom-up, so the last constraint is the first one written (the type check).
  const messages = Object.values(error.constraints ?? {})
    .reverse()
    .map((m) => (m.startsWith(`${error.property} `) ? m.slice(error.property.length + 1) : m));
  const value = error.value;
  const missing = value === undefined || value === '' || (Array.isArray(value) && !value.length);
  if (missing)
    return { message: `${error.property} is required (${messages[0] ?? 'missing'})`, missing };
  // The value is never printed: it may be a secret.
  return { message: `${error.property} ${messages[0] ?? 'is invalid'}`, missing };
}

/**
 * Validates a raw environment; throws a ConfigError whose message is one line naming the
 * first variable that is wrong. Unknown variables are ignored (the process env holds many).
 */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const picked: Record<string, unknown> = {};
  for (const key of ENVIRONMENT_VARIABLES) {
    const value = raw[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const env = plainToInstance(Environment, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length) {
    const { message, missing } = describe(errors[0]);
    throw new ConfigError(`Invalid configuration: ${message}`, errors[0].property, missing);
  }
  return env;
}
