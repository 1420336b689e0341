/** `GET /v1/events` and `GET /v1/events/:id`, with Stripe's filters. */
import type Stripe from 'stripe';
import { invalidRequest } from './errors';
import { expand } from './expand';
import { inRange, p, pagination, retrieve } from './params';
import { route, Route } from './router';

function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes('*')) return (type) => type === pattern;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (type) => regex.test(type);
}

export const eventRoutes: Route[] = [
  route('GET', '/v1/events/:id', retrieve, ({ state, params, path }) =>
    expand(state, state.store.get('event', path.id), params.expand),
  ),
  route(
    'GET',
    '/v1/events',
    {
      ...pagination,
      created: p.range(),
      delivery_success: p.boolean(),
      type: p.string(),
      types: p.stringList(20),
    },
    ({ state, params }) => {
      if (params.type && params.types) {
        throw invalidRequest('You may only specify one of these parameters: type, types.', {
          param: 'types',
        });
      }
      const patterns = params.types ?? (params.type ? [params.type] : null);
      const matchers = patterns?.map(typeMatcher) ?? null;
      const list = state.store.list<Stripe.Event>(
        'event',
        params,
        '/v1/events',
        (event) =>
          inRange(event.created, params.created) &&
          (!matchers || matchers.some((matches) => matches(event.type))) &&
          (params.delivery_success === undefined ||
            params.delivery_success === null ||
            params.delivery_success === (event.pending_webhooks === 0)),
      );
      return expand(state, list, params.expand);
    },
  ),
];
