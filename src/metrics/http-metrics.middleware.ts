import { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/** Set on `res.locals` by handlers mounted outside Nest's router (e.g. the queue dashboard). */
export const METRICS_ROUTE = 'metricsRoute';

/** Nest's catch-all route for paths nothing else matched (its 404). */
const NOT_FOUND_ROUTE = '/{*path}';

/**
 * Counts and times every HTTP request once it is answered, labelled by the route *pattern*
 * (`/v1/campaigns/:slug`), never the URL: URLs can carry ids, tokens or emails, and would make
 * a series per request. Requests no route matched are labelled `unmatched`.
 */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - end) / 1e9;
      const labels = {
        method: req.method,
        route: routeOf(req, res),
        status: String(res.statusCode),
      };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
    });
    next();
  };
}

function routeOf(req: Request, res: Response): string {
  const mounted = res.locals?.[METRICS_ROUTE] as string | undefined;
  if (mounted) return mounted;
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (path === NOT_FOUND_ROUTE && !req.baseUrl) return 'unmatched';
  if (typeof path === 'string') return `${req.baseUrl ?? ''}${path}` || '/';
  // A handler mounted with app.use(path, …) that answered itself (the web pages, Bull Board).
  return req.baseUrl || 'unmatched';
}
