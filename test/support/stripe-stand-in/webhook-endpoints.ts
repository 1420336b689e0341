/**
 * Webhook endpoints: the `/v1/webhook_endpoints` API and the control endpoint that
 * registers one with a known secret. The signing secret is kept beside the endpoint, not in
 * it, and returned only on creation, as Stripe does.
 */
import type Stripe from 'stripe';
import { invalidRequest } from './errors';
import { expand } from './expand';
import { newId, randomToken } from './ids';
import { fromFixture, mergeMetadata } from './objects';
import { p, pagination, Params, retrieve } from './params';
import { route, Route } from './router';
import { StandInState } from './state';

type WebhookEndpoint = Stripe.WebhookEndpoint;

export interface RegisterEndpointInput {
  url: string;
  /** Defaults to a new random `whsec_...`. */
  secret?: string | null;
  enabled_events?: string[] | null;
  /** Version of the events sent to this endpoint; defaults to the SDK's pinned version. */
  api_version?: string | null;
  description?: string | null;
  metadata?: Record<string, string> | null;
}

function assertUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidRequest(`Invalid URL: ${url}`, { param: 'url', code: 'url_invalid' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidRequest(`Invalid URL: ${url}. URLs must use http or https.`, {
      param: 'url',
      code: 'url_invalid',
    });
  }
}

/** Creates an endpoint; the returned object carries `secret`, as Stripe's create response does. */
export function registerEndpoint(
  state: StandInState,
  input: RegisterEndpointInput,
): WebhookEndpoint {
  assertUrl(input.url);
  const secret = input.secret ?? `whsec_${randomToken(32)}`;
  const endpoint = state.insert(
    fromFixture<WebhookEndpoint>('webhook_endpoint', {
      api_version: input.api_version ?? state.settings.apiVersion,
      application: null,
      created: state.now(),
      description: input.description ?? null,
      enabled_events: input.enabled_events ?? ['*'],
      id: newId('we'),
      livemode: false,
      metadata: mergeMetadata({}, input.metadata),
      object: 'webhook_endpoint',
      status: 'enabled',
      url: input.url,
    }),
  );
  state.webhookSecrets.set(endpoint.id, secret);
  return { ...endpoint, secret };
}

export function listens(endpoint: WebhookEndpoint, type: string): boolean {
  return (
    endpoint.status === 'enabled' &&
    (endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(type))
  );
}

const createShape = {
  api_version: p.string(),
  description: p.string(5000),
  enabled_events: p.requiredStringList(),
  expand: p.stringList(),
  metadata: p.metadata(),
  url: p.requiredString(),
};

const updateShape = {
  description: p.string(5000),
  disabled: p.boolean(),
  enabled_events: p.stringList(),
  expand: p.stringList(),
  metadata: p.metadata(),
  url: p.string(),
};

function updateEndpoint(
  state: StandInState,
  endpoint: WebhookEndpoint,
  params: Params<typeof updateShape>,
): WebhookEndpoint {
  if (params.url) {
    assertUrl(params.url);
    endpoint.url = params.url;
  }
  if (params.enabled_events) endpoint.enabled_events = params.enabled_events;
  if (params.description !== undefined) endpoint.description = params.description;
  if (params.metadata !== undefined) {
    endpoint.metadata = mergeMetadata(endpoint.metadata, params.metadata);
  }
  if (params.disabled !== undefined && params.disabled !== null) {
    endpoint.status = params.disabled ? 'disabled' : 'enabled';
  }
  return endpoint;
}

export const webhookEndpointRoutes: Route[] = [
  route('POST', '/v1/webhook_endpoints', createShape, ({ state, params }) =>
    expand(state, registerEndpoint(state, params), params.expand),
  ),
  route('GET', '/v1/webhook_endpoints/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('webhook_endpoint', path.id), params.expand),
  ),
  route('POST', '/v1/webhook_endpoints/:id', updateShape, ({ state, params, path }) => {
    const endpoint = state.store.get<WebhookEndpoint>('webhook_endpoint', path.id);
    return expand(state, updateEndpoint(state, endpoint, params), params.expand);
  }),
  route('GET', '/v1/webhook_endpoints', pagination, ({ state, params }) =>
    expand(
      state,
      state.store.list('webhook_endpoint', params, '/v1/webhook_endpoints'),
      params.expand,
    ),
  ),
  route('DELETE', '/v1/webhook_endpoints/:id', {}, ({ state, path }) => {
    const endpoint = state.store.get<WebhookEndpoint>('webhook_endpoint', path.id);
    state.store.remove(endpoint.id);
    state.webhookSecrets.delete(endpoint.id);
    return fromFixture<Stripe.DeletedWebhookEndpoint>('deleted_webhook_endpoint', {
      deleted: true,
      id: endpoint.id,
      object: 'webhook_endpoint',
    });
  }),
];
