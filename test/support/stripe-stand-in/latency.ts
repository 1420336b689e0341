/**
 * How long the stand-in takes to answer an API call. Stripe answers in a few hundred
 * milliseconds, the stand-in in one: code that holds a database transaction or a worker slot
 * across a Stripe call behaves very differently at Stripe's speed, so benchmarks and demos can
 * ask for Stripe's latency. Default none: tests stay fast.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** A fixed delay (`250`) or a uniform one between two bounds (`{ minMs: 100, maxMs: 400 }`). */
export type StandInLatency = number | { minMs: number; maxMs: number };

const MAX_LATENCY_MS = 60_000;

/**
 * Reads `250` or `100-400` (milliseconds, whole numbers); empty means none. `source` names the
 * setting in the error (the environment variable or the command-line option).
 */
export function parseStandInLatency(text: string | undefined, source: string): StandInLatency {
  const value = (text ?? '').trim();
  if (value === '') return 0;
  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(value);
  if (!match) {
    throw new Error(
      `${source} must be milliseconds (e.g. 250) or a range (e.g. 100-400), got "${value}"`,
    );
  }
  const minMs = Number(match[1]);
  const maxMs = match[2] === undefined ? minMs : Number(match[2]);
  const latency = minMs === maxMs ? minMs : { minMs, maxMs };
  checkedLatency(latency, source);
  return latency;
}

/** The latency's bounds, or an error naming `source` if it is not a usable one. */
export function checkedLatency(
  latency: StandInLatency,
  source: string,
): { minMs: number; maxMs: number } {
  const { minMs, maxMs } =
    typeof latency === 'number' ? { minMs: latency, maxMs: latency } : latency;
  const usable = (ms: number) => Number.isFinite(ms) && ms >= 0 && ms <= MAX_LATENCY_MS;
  if (!usable(minMs) || !usable(maxMs)) {
    throw new Error(`${source} must be between 0 and ${MAX_LATENCY_MS} ms`);
  }
  if (minMs > maxMs) {
    throw new Error(`${source}: the range's lower bound (${minMs}) is above its upper (${maxMs})`);
  }
  return { minMs, maxMs };
}

/** `250 ms`, `100-400 ms`, or `none`: for start-up lines and benchmark headers. */
export function describeLatency(latency: StandInLatency): string {
  const { minMs, maxMs } = checkedLatency(latency, 'latency');
  if (maxMs === 0) return 'none';
  return minMs === maxMs ? `${minMs} ms` : `${minMs}-${maxMs} ms (uniform)`;
}

/**
 * Waits until the latency, drawn afresh for each call, has passed since `since`
 * (`performance.now()` when the request arrived). Timers may wake a fraction of a millisecond
 * early: the loop makes "at least the latency" hold as the caller measures it.
 */
export async function waitOutLatency(
  bounds: { minMs: number; maxMs: number },
  since: number,
  signal: AbortSignal,
): Promise<void> {
  const ms = bounds.minMs + Math.random() * (bounds.maxMs - bounds.minMs);
  const until = since + ms;
  for (let left = until - performance.now(); left > 0; left = until - performance.now()) {
    await sleep(Math.ceil(left), undefined, { signal });
  }
}
