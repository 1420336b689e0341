/** A small route table: method, a path with `:params`, a parameter whitelist, a handler. */
import { Params, Shape, validateParams } from './params';
import { RequestMeta, StandInState } from './state';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RouteContext<P> {
  state: StandInState;
  params: P;
  path: Record<string, string>;
  meta: RequestMeta;
}

export interface Route {
  method: HttpMethod;
  path: string;
  match(pathname: string): Record<string, string> | null;
  /** Validates `raw` against the route's whitelist, then runs the handler. */
  handle(context: RouteContext<unknown>): unknown;
}

/** Compiles `/v1/things/:id/act` into a matcher returning `{ id }`. */
export function pathMatcher(path: string): (pathname: string) => Record<string, string> | null {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([a-z_]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  return (pathname) => {
    const found = pattern.exec(pathname);
    if (!found) return null;
    const values: Record<string, string> = {};
    try {
      names.forEach((name, index) => {
        values[name] = decodeURIComponent(found[index + 1]);
      });
    } catch {
      return null;
    }
    return values;
  };
}

export function route<S extends Shape>(
  method: HttpMethod,
  path: string,
  shape: S,
  handler: (context: RouteContext<Params<S>>) => unknown,
): Route {
  return {
    method,
    path,
    match: pathMatcher(path),
    handle(context) {
      const params = validateParams(shape, context.params);
      return handler({ ...context, params });
    },
  };
}

export function findRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; path: Record<string, string> } | null {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const path = candidate.match(pathname);
    if (path) return { route: candidate, path };
  }
  return null;
}
