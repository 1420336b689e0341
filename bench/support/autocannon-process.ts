/**
 * The load generator's own process (forked by autocannon-load.ts): receives pre-made requests
 * over IPC, sends each once with autocannon over `connections` keep-alive connections, and
 * answers with the figures. Nothing else runs in this process, so the generator neither slows
 * the servers' event loops nor is slowed by the benchmark runner's.
 */
import autocannon from 'autocannon';
import { BenchRequest, LoadResult, summarize } from './load';

export interface AutocannonJob {
  url: string;
  connections: number;
  requests: BenchRequest[];
}

export type AutocannonAnswer = { result: LoadResult } | { error: string };

function run(job: AutocannonJob): Promise<LoadResult> {
  const { requests } = job;
  const latencies = new Float64Array(requests.length);
  const statuses: Record<string, number> = {};
  let answered = 0;
  let next = 0;
  const count = (status: string) => (statuses[status] = (statuses[status] ?? 0) + 1);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let lastAt = started;
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        // Exactly this many requests in all, shared out between the connections.
        amount: requests.length,
        // One entry whose setupRequest hands out the next pre-made request: each connection
        // takes the next one, so every request goes once whichever connection is free. After a
        // connection error autocannon asks for more than it sends; it then wraps around (the
        // run shows the errors anyway).
        requests: [
          {
            setupRequest: (defaults) => {
              const request = requests[next++ % requests.length];
              return {
                ...defaults,
                method: request.method as autocannon.Request['method'],
                path: request.path,
                headers: Object.fromEntries(
                  Object.entries(request.headers ?? {}).map(([name, value]) => [
                    name,
                    String(value),
                  ]),
                ),
                body: request.body === undefined ? undefined : Buffer.from(request.body),
              };
            },
          },
        ],
      },
      (error: unknown) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const durationMs = lastAt - started;
        resolve({
          total: answered,
          durationMs,
          perSecond: (answered / durationMs) * 1000,
          ...summarize(latencies.subarray(0, answered)),
          statuses,
        });
      },
    );
    // Figures from each answer rather than autocannon's summary: its histogram keeps whole
    // milliseconds, and its duration runs to the next one-second sample after the last
    // answer. These are computed as the in-process loader computes them (load.ts).
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (answered < latencies.length) latencies[answered] = responseTime;
      answered += 1;
      count(String(statusCode));
      lastAt = performance.now();
    });
    instance.on('reqError', () => {
      count('error');
      lastAt = performance.now();
    });
  });
}

// The runner gone (Ctrl-C, a failure): nothing left to report to.
process.once('disconnect', () => process.exit(1));
process.once('message', (job: AutocannonJob) => {
  const answer = (message: AutocannonAnswer) => process.send!(message, () => process.disconnect());
  run(job).then(
    (result) => answer({ result }),
    (error: Error) => answer({ error: error.stack ?? error.message }),
  );
});
