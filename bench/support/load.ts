/**
 * A small closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending
 * its next request as soon as the previous answer has been read, until `total` are done.
 * Plain node:http (no dependency), so what it costs on the machine is easy to reason about.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface BenchRequest {
  method: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
}

export interface LoadOptions {
  url: string;
  concurrency: number;
  total: number;
  /** The i-th request (0-based). */
  request: (i: number) => BenchRequest;
  /** Called with each answer's body (read in full either way). */
  onBody?: (i: number, status: number, body: Buffer) => void;
}

export interface LoadResult {
  total: number;
  durationMs: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Answers by HTTP status; `error` for network failures. */
  statuses: Record<string, number>;
}

export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (!sorted.length) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

export function summarize(latenciesMs: Float64Array): {
  p50: number;
  p90: number;
  p99: number;
  max: number;
} {
  const sorted = Float64Array.from(latenciesMs).sort();
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

function send(
  agent: Agent,
  base: URL,
  req: BenchRequest,
  keepBody: boolean,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const r = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        agent,
        headers: { ...req.headers, ...(body ? { 'Content-Length': body.length } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => keepBody && chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies = new Float64Array(options.total);
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = process.hrtime.bigint();
  const loop = async () => {
    for (;;) {
      const i = next++;
      if (i >= options.total) return;
      const request = options.request(i);
      const t0 = process.hrtime.bigint();
      let status: string;
      try {
        const answer = await send(agent, base, request, options.onBody !== undefined);
        status = String(answer.status);
        options.onBody?.(i, answer.status, answer.body);
      } catch {
        status = 'error';
      }
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  return {
    total: options.total,
    durationMs,
    perSecond: (options.total / durationMs) * 1000,
    ...summarize(latencies),
    statuses,
  };
}

/** Sequential GETs (one connection), for read latency: returns per-request milliseconds. */
export async function timeGets(
  url: string,
  path: string,
  count: number,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  return runLoad({
    url,
    concurrency: 1,
    total: count,
    request: () => ({ method: 'GET', path, headers }),
  });
}
