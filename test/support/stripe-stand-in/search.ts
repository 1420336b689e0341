/**
 * Stripe's Search API for the objects the project looks up by its own ids
 * (`GET /v1/payment_intents/search`, `GET /v1/subscriptions/search`): a `search_result` list
 * for a query of `field:'value'` clauses joined by AND, where a field is `metadata['key']`
 * or a top-level string field such as `status`. Stripe's search is eventually consistent
 * (up to a minute); the stand-in's is immediate, which only makes tests stricter.
 */
import { invalidRequest } from './errors';
import { expand } from './expand';
import { p } from './params';
import { route, Route } from './router';
import { StandInState } from './state';
import { StripeObject } from './store';

const searchShape = {
  query: p.requiredString(),
  limit: p.integer(),
  page: p.string(),
  expand: p.stringList(),
};

interface Clause {
  field: string;
  metadataKey: string | null;
  value: string;
}

const CLAUSE = /^(?:metadata\[(['"])(.+?)\1\]|([a-z_]+)):(['"])(.*?)\4$/;

function parseQuery(query: string): Clause[] {
  return query
    .split(/\s+AND\s+/)
    .map((part) => part.trim())
    .map((part) => {
      const found = CLAUSE.exec(part);
      if (!found) {
        throw invalidRequest(
          `The query "${query}" is not supported by the Stripe stand-in: use field:'value' clauses joined by AND.`,
          { param: 'query' },
        );
      }
      return { field: found[3] ?? 'metadata', metadataKey: found[2] ?? null, value: found[5] };
    });
}

function matches(object: StripeObject, clauses: Clause[]): boolean {
  const record = object as unknown as Record<string, unknown>;
  return clauses.every((clause) =>
    clause.metadataKey !== null
      ? (record.metadata as Record<string, string> | undefined)?.[clause.metadataKey] ===
        clause.value
      : String(record[clause.field]) === clause.value,
  );
}

function searchRoute(type: string, path: string): Route {
  return route('GET', path, searchShape, ({ state, params }) => {
    const limit = params.limit ?? 10;
    if (limit < 1 || limit > 100) {
      throw invalidRequest('Invalid limit: must be an integer between 1 and 100', {
        param: 'limit',
        code: 'parameter_invalid_integer',
      });
    }
    const clauses = parseQuery(params.query);
    const found = state.store
      .all(type)
      .reverse()
      .filter((object) => matches(object, clauses));
    return expand(
      state as StandInState,
      {
        object: 'search_result',
        data: found.slice(0, limit),
        has_more: found.length > limit,
        next_page: null,
        url: path,
      },
      params.expand,
    );
  });
}

/** Listed before the `/:id` routes, which would otherwise take `search` for an id. */
export const searchRoutes: Route[] = [
  searchRoute('payment_intent', '/v1/payment_intents/search'),
  searchRoute('subscription', '/v1/subscriptions/search'),
];
