import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether a scrape may read the metrics: always when no METRICS_TOKEN is configured, otherwise
 * only with `Authorization: Bearer <token>` (compared in constant time).
 */
export function metricsScrapeAllowed(
  token: string | undefined,
  authorization: string | string[] | undefined,
): boolean {
  if (!token) return true;
  const presented =
    typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}
