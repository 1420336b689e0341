/**
 * The Stripe stand-in: a stateful HTTP server that the real `stripe` SDK can be pointed at
 * (`new Stripe(key, { host: '127.0.0.1', port, protocol: 'http' })`). It answers Stripe's REST
 * API for the objects the project uses, with Stripe's error bodies, idempotency and request
 * ids; it sends signed webhooks; `/_stand-in/...` control endpoints (no auth) drive what a
 * real payment network would decide.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { balanceRoutes } from './balance';
import { checkoutSessionRoutes } from './checkout-sessions';
import { CONTROL_ROUTES, ControlRoute, createControl, StripeStandInControl } from './control';
import { customerRoutes } from './customers';
import { disputeRoutes } from './disputes';
import {
  authenticationError,
  idempotencyMismatch,
  invalidRequest,
  StandInError,
  unrecognizedUrl,
} from './errors';
import { eventRoutes } from './events';
import { fromJson, parseFormBody, ParamTree } from './form-body';
import { newRequestId } from './ids';
import { checkedLatency, StandInLatency, waitOutLatency } from './latency';
import { handlePage } from './pages';
import { chargeRoutes, paymentIntentRoutes } from './payment-intents';
import { paymentMethodRoutes } from './payment-methods';
import { payoutRoutes } from './payouts';
import { priceRoutes, productRoutes } from './products-prices';
import { refundRoutes } from './refunds';
import { searchRoutes } from './search';
import { setupIntentRoutes } from './setup-intents';
import { invoicePaymentRoutes, invoiceRoutes, subscriptionRoutes } from './subscriptions';
import { findRoute, pathMatcher, Route } from './router';
import { StandInSettings, StandInState } from './state';
import { registerEndpoint, webhookEndpointRoutes } from './webhook-endpoints';
import { WebhookDeliverer } from './webhooks';

export interface StripeStandInOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Base URL for links the stand-in hands out (Checkout `url`); default its own URL. */
  publicUrl?: string;
  /** If given, the only accepted secret key; otherwise any key starting `sk_`. */
  apiKey?: string;
  /** Endpoints registered at start (and again after reset). */
  webhooks?: { url: string; secret: string; enabled_events?: string[]; api_version?: string }[];
  /** Delays before each retry of a failed delivery; default [200, 1000, 5000]. */
  deliveryRetryDelaysMs?: number[];
  /** Per-attempt timeout; default 10 000 ms. */
  deliveryTimeoutMs?: number;
  /** Processing fee: percentage (default 2.9) ... */
  feePercent?: number;
  /** ... plus a fixed part in minor units of a two-decimal currency (default 30). */
  feeFixed?: number;
  /** Dispute fee in minor units of a two-decimal currency (default 1500). */
  disputeFee?: number;
  /** Whether winning a dispute also returns the dispute fee (default true). */
  disputeFeeRefundedOnWin?: boolean;
  /** Account default currency (default 'usd'). */
  defaultCurrency?: string;
  /** Seconds before balance transactions become available (default 0). */
  availableAfterSeconds?: number;
  /**
   * Receives operational lines (failed deliveries; requests when `logRequests`). Lines carry
   * ids, paths and statuses only: never bodies, query strings or personal data.
   */
  log?: (line: string) => void;
  logRequests?: boolean;
  /**
   * How long every API call (`/v1/...`) takes to answer, counted from its arrival: a fixed
   * delay in ms, or `{ minMs, maxMs }` drawn uniformly per call (Stripe's own answers take
   * a few hundred ms). Control routes (`/_stand-in/...`), Checkout pages and webhook deliveries
   * are never delayed. Default 0. Standalone: STRIPE_STAND_IN_LATENCY_MS (main.ts).
   */
  latencyMs?: StandInLatency;
}

export interface StripeStandIn extends StripeStandInControl {
  /** e.g. http://127.0.0.1:54321 */
  readonly url: string;
  readonly port: number;
  /** API version of events by default: the one the installed SDK pins. */
  readonly apiVersion: string;
  /**
   * Forgets every idempotency key, as Stripe does 24 hours after a key's first use: a request
   * sent again under an old key is then a new request. (Keys also expire on their own once
   * the stand-in's clock is 24 hours past their first use: see advanceClock.)
   */
  forgetIdempotencyKeys(): void;
  /**
   * The next `times` API requests to `method` `path` (e.g. `POST /v1/refunds`) are carried
   * out, but their connections are cut before the answer: the caller sees a network error, as
   * after a timeout, while Stripe did the work (and keeps the answer under its idempotency
   * key). The SDK retries a closed connection once even with retries off: drop 2 to reach
   * the caller.
   */
  dropResponses(method: string, path: string, times?: number): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Stripe keeps an idempotency key's result for 24 hours (of the stand-in's clock). */
const IDEMPOTENCY_KEY_LIFETIME_SECONDS = 24 * 60 * 60;

interface StoredResponse {
  fingerprint: string;
  /** When the key was first used (stand-in clock, seconds). */
  at: number;
  status: number;
  body: string;
  requestId: string;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(invalidRequest('Request body too large.', { status: 413 }));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Canonical JSON (sorted keys) so equal parameters compare equal. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const node = value as Record<string, unknown>;
  return `{${Object.keys(node)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(node[key])}`)
    .join(',')}}`;
}

function bearerKey(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1].trim();
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
  return null;
}

/** `sk_test_abc...wxyz` -> `sk_test_****...wxyz`, as in Stripe's message; short keys fully. */
function maskKey(key: string): string {
  const prefix = /^[a-z]+_(?:test_|live_)?/.exec(key)?.[0] ?? '';
  const rest = key.slice(prefix.length);
  return rest.length > 8
    ? `${prefix}${'*'.repeat(rest.length - 4)}${rest.slice(-4)}`
    : `${prefix}****`;
}

const API_ROUTES: Route[] = [
  ...searchRoutes,
  ...balanceRoutes,
  ...chargeRoutes,
  ...checkoutSessionRoutes,
  ...customerRoutes,
  ...disputeRoutes,
  ...eventRoutes,
  ...invoicePaymentRoutes,
  ...invoiceRoutes,
  ...paymentIntentRoutes,
  ...paymentMethodRoutes,
  ...payoutRoutes,
  ...priceRoutes,
  ...productRoutes,
  ...refundRoutes,
  ...setupIntentRoutes,
  ...subscriptionRoutes,
  ...webhookEndpointRoutes,
];

const COMPILED_CONTROL_ROUTES = CONTROL_ROUTES.map((control) => ({
  control,
  match: pathMatcher(control.path),
}));

function findControlRoute(method: string, pathname: string) {
  for (const candidate of COMPILED_CONTROL_ROUTES) {
    if (candidate.control.method !== method) continue;
    const path = candidate.match(pathname);
    if (path) return { route: candidate.control as ControlRoute, path };
  }
  return null;
}

export async function startStripeStandIn(
  options: StripeStandInOptions = {},
): Promise<StripeStandIn> {
  const log = options.log ?? (() => undefined);
  const latency = checkedLatency(options.latencyMs ?? 0, 'latencyMs');
  // Aborted on close, so no delayed answer keeps the process (or a closed stand-in) busy.
  const closing = new AbortController();
  const settings: StandInSettings = {
    apiVersion: Stripe.API_VERSION,
    defaultCurrency: (options.defaultCurrency ?? 'usd').toLowerCase(),
    feePercent: options.feePercent ?? 2.9,
    feeFixed: options.feeFixed ?? 30,
    disputeFee: options.disputeFee ?? 1500,
    disputeFeeRefundedOnWin: options.disputeFeeRefundedOnWin ?? true,
    availableAfterSeconds: options.availableAfterSeconds ?? 0,
  };
  const state = new StandInState(settings);
  const deliverer = new WebhookDeliverer(state, {
    retryDelaysMs: options.deliveryRetryDelaysMs ?? [200, 1000, 5000],
    timeoutMs: options.deliveryTimeoutMs ?? 10_000,
    log,
  });
  state.onEvent = (event) => deliverer.enqueue(event);
  const idempotency = new Map<string, StoredResponse>();
  const dropping = new Map<string, number>();
  const registerStartupEndpoints = () => {
    for (const webhook of options.webhooks ?? []) registerEndpoint(state, webhook);
  };
  const control = createControl(state, deliverer, {
    onReset() {
      idempotency.clear();
      dropping.clear();
      registerStartupEndpoints();
    },
  });

  function authenticate(request: IncomingMessage): string {
    const key = bearerKey(request.headers.authorization);
    if (!key) {
      throw authenticationError(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      );
    }
    const accepted = options.apiKey ? key === options.apiKey : key.startsWith('sk_');
    if (!accepted) throw authenticationError(`Invalid API Key provided: ${maskKey(key)}`);
    return key;
  }

  function api(request: IncomingMessage, url: URL, bodyText: string, requestId: string): Reply {
    const method = request.method ?? 'GET';
    const apiKey = authenticate(request);
    const found = findRoute(API_ROUTES, method, url.pathname);
    if (!found) throw unrecognizedUrl(method, url.pathname);
    const params: ParamTree =
      method === 'POST' ? parseFormBody(bodyText) : parseFormBody(url.search.slice(1));
    const idempotencyKey =
      method === 'POST' ? (request.headers['idempotency-key'] as string | undefined) : undefined;
    const cacheKey = idempotencyKey ? `${apiKey}\n${idempotencyKey}` : null;
    const fingerprint = `${method} ${url.pathname} ${canonical(params)}`;
    if (cacheKey) {
      const stored = idempotency.get(cacheKey);
      if (stored && state.now() - stored.at >= IDEMPOTENCY_KEY_LIFETIME_SECONDS) {
        idempotency.delete(cacheKey);
      } else if (stored) {
        if (stored.fingerprint !== fingerprint) throw idempotencyMismatch(String(idempotencyKey));
        return {
          status: stored.status,
          body: JSON.parse(stored.body) as unknown,
          headers: { 'Idempotent-Replayed': 'true', 'Original-Request': stored.requestId },
        };
      }
    }
    const remember = (status: number, body: unknown) => {
      if (cacheKey) {
        idempotency.set(cacheKey, {
          fingerprint,
          at: state.now(),
          status,
          body: JSON.stringify(body),
          requestId,
        });
      }
    };
    try {
      const body = found.route.handle({
        state,
        params,
        path: found.path,
        meta: { requestId, idempotencyKey: idempotencyKey ?? null },
      });
      remember(200, body);
      return { status: 200, body };
    } catch (error) {
      // Stripe saves no result for requests that failed parameter validation.
      if (error instanceof StandInError && !error.validation) {
        remember(error.status, error.toBody(requestId));
      }
      throw error;
    }
  }

  async function controlRequest(request: IncomingMessage, url: URL, bodyText: string) {
    const method = request.method ?? 'GET';
    const found = findControlRoute(method, url.pathname);
    if (!found) throw unrecognizedUrl(method, url.pathname);
    let body: unknown = {};
    if (bodyText.trim()) {
      try {
        body = fromJson(JSON.parse(bodyText));
      } catch {
        throw invalidRequest('Control endpoints take a JSON body.');
      }
    }
    return { status: 200, body: await found.route.run(control, body, found.path) };
  }

  function send(response: ServerResponse, requestId: string, reply: Reply, version?: string) {
    const payload = `${JSON.stringify(reply.body, null, 2)}\n`;
    response.writeHead(reply.status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(payload),
      'Request-Id': requestId,
      'Stripe-Version': version ?? settings.apiVersion,
      ...(reply.status >= 400 && reply.status < 500 ? { 'Stripe-Should-Retry': 'false' } : {}),
      ...reply.headers,
    });
    response.end(payload);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrived = performance.now();
    const requestId = newRequestId();
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://stand-in.local');
    const version = request.headers['stripe-version'] as string | undefined;
    const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
    // The donor portal's simulated card form calls the control endpoints from a browser.
    if (url.pathname.startsWith('/_stand-in/'))
      response.setHeader('Access-Control-Allow-Origin', '*');
    let status = 500;
    try {
      const bodyText = await readBody(request);
      let reply: Reply;
      if (url.pathname.startsWith('/v1/')) {
        if (latency.maxMs > 0) {
          try {
            await waitOutLatency(latency, arrived, closing.signal);
          } catch {
            // Only an abort rejects: the stand-in closed, and with it this connection.
            status = 0;
            return;
          }
        }
        const fault = state.faults.take(method, url.pathname, idempotencyKey);
        if (fault?.kind === 'timeout') {
          // Never answered: the client times out; close() cuts the connection otherwise.
          status = 0;
          return;
        }
        reply = fault
          ? {
              status: fault.error.status,
              body: fault.error.toBody(requestId),
              headers: fault.headers,
            }
          : api(request, url, bodyText, requestId);
      } else if (url.pathname.startsWith('/_stand-in/')) {
        reply = await controlRequest(request, url, bodyText);
      } else {
        const pageReply = await handlePage(state, control, method, url.pathname);
        if (!pageReply) throw unrecognizedUrl(method, url.pathname);
        status = pageReply.status;
        response.writeHead(pageReply.status, { 'Request-Id': requestId, ...pageReply.headers });
        response.end(pageReply.body);
        return;
      }
      status = reply.status;
      const left = dropping.get(`${method} ${url.pathname}`) ?? 0;
      if (left > 0) {
        dropping.set(`${method} ${url.pathname}`, left - 1);
        status = 0;
        response.destroy();
        return;
      }
      if (idempotencyKey) reply.headers = { 'Idempotency-Key': idempotencyKey, ...reply.headers };
      send(response, requestId, reply, version);
    } catch (error) {
      if (error instanceof StandInError) {
        status = error.status;
        send(response, requestId, { status, body: error.toBody(requestId) }, version);
      } else {
        status = 500;
        log(
          `internal error on ${method} ${url.pathname}: ${error instanceof Error ? error.message : String(error)}`,
        );
        const body = {
          error: {
            type: 'api_error',
            message: 'An unknown error occurred in the Stripe stand-in.',
          },
        };
        send(response, requestId, { status, body }, version);
      }
    } finally {
      if (options.logRequests) log(`${method} ${url.pathname} -> ${status} (${requestId})`);
    }
  }

  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${displayHost}:${port}`;
  state.publicUrl = (options.publicUrl ?? url).replace(/\/$/, '');
  registerStartupEndpoints();

  let closed: Promise<void> | null = null;
  return {
    ...control,
    url,
    port,
    apiVersion: settings.apiVersion,
    forgetIdempotencyKeys: () => idempotency.clear(),
    dropResponses: (method, path, times = 1) =>
      void dropping.set(`${method.toUpperCase()} ${path}`, times),
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        deliverer.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
