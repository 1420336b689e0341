/** Calls to this service's JSON API, with its error body turned into a message people can read. */

/** One field's problem, as the API's error body lists them (`errors: [{ field, code, message }]`). */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly requestId?: string,
    /** The body's stable `code` (validation_failed, not_found…), when it has one. */
    readonly code?: string,
    /** The body's `errors`, field by field (validation errors). */
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string | null;
  idempotencyKey?: string;
  query?: Record<string, string | number | undefined>;
  /** Other request headers (X-Client-Secret). */
  headers?: Record<string, string>;
}

const STATUS_HINTS: Record<number, string> = {
  401: 'You are not signed in, or your sign-in has expired.',
  403: 'Your key is not allowed to do this.',
  404: 'Not found.',
  409: 'This conflicts with the current state.',
  429: 'Too many requests: please wait a moment and try again.',
  503: 'The service is unavailable right now: please try again shortly.',
};

export function url(path: string, query?: RequestOptions['query']): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== '') search.set(k, String(v));
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'Could not reach the service: check your connection and try again.');
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

async function errorOf(res: Response): Promise<ApiError> {
  let message = '';
  let requestId = res.headers.get('X-Request-Id') ?? undefined;
  let code: string | undefined;
  let fields: FieldProblem[] = [];
  try {
    const body = (await res.json()) as {
      message?: unknown;
      requestId?: string;
      code?: string;
      errors?: unknown;
    };
    message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? '');
    requestId = body.requestId ?? requestId;
    code = typeof body.code === 'string' ? body.code : undefined;
    if (Array.isArray(body.errors))
      fields = (body.errors as FieldProblem[]).filter(
        (e) => e && typeof e.field === 'string' && typeof e.message === 'string',
      );
  } catch {
    // Not JSON: the status says enough.
  }
  const hint = STATUS_HINTS[res.status] ?? `The request failed (HTTP ${res.status}).`;
  return new ApiError(res.status, message || hint, requestId, code, fields);
}

/** A page's calls to the API with its credentials bound in (the donor's session, the staff key). */
export type Call = <T>(path: string, opts?: RequestOptions) => Promise<T>;

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Fetches a file (CSV, PDF) with the credentials a plain link cannot carry, and saves it. */
export async function download(path: string, opts: RequestOptions, fallbackName: string) {
  const res = await send(path, opts);
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  saveBlob(await res.blob(), name);
  return name;
}

/** Saves data the page already holds as a file (a Blob URL: nothing of it goes in an address). */
export function saveBlob(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** A key that makes a retried submit of the same form safe. */
export function idempotencyKey(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError)
    return error.requestId ? `${error.message} (request ${error.requestId})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

export interface CampaignView {
  slug: string;
  title: string;
  description: string;
  status: string;
  goal: { amount: number; currency: string };
  /** Goals beyond the goal, increasing, in the goal currency (minor units). */
  stretchGoals?: number[];
  /** The first goal not reached yet (the goal, then each stretch goal); once all are, the last. */
  nextGoal?: { amount: number; currency: string; percent: number };
  /** How many goals (the goal and stretch goals) progress has reached. */
  goalsReached?: number;
  /** The campaign closes once progress reaches its final goal. */
  closeAtGoal?: boolean;
  currencies: string[];
  /** When it was closed (status closed): by staff, its endsAt, or reaching its goal. */
  closedAt?: string | null;
  hideAmounts: boolean;
  minAmount?: number | null;
  maxAmount?: number | null;
  /** Per currency with limits, the goal currency's included. */
  limits?: Record<string, { min: number | null; max: number | null }>;
  /** The amounts a donation form offers, per currency that has them. */
  suggestedAmounts?: Record<string, number[]>;
  progress: {
    raised: number;
    currency: string;
    percent: number;
    donationCount: number;
    donorCount: number;
  };
  /** Its active actions (letters to sign) and their counts toward their goals. */
  actions?: ActionSummary[];
}

/** An active action of a campaign, as the campaign views list it (counts only). */
export interface ActionSummary {
  slug: string;
  title: string;
  goal: number;
  /** Confirmed signatures, not withdrawn. */
  signatures: number;
}

/** A public signer: only those who chose to be named; the date, never the time. */
export interface PublicSigner {
  displayName: string;
  country: string;
  date: string;
}

/** GET /v1/campaigns/:slug/actions/:action (active or closed actions; never drafts). */
export interface PublicActionView {
  slug: string;
  title: string;
  description: string;
  status: 'active' | 'closed' | string;
  target: { name: string };
  letter: { subject: string; body: string; version: number };
  goal: number;
  signatures: number;
  /** On the one action's route only (not in the list). */
  signers?: { data: PublicSigner[]; nextCursor: string | null };
}
