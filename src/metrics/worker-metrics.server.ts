import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Environment } from '../common/config/environment';
import { metricsScrapeAllowed } from './metrics-token';
import { METRICS_CONTENT_TYPE, MetricsService } from './metrics.service';

/**
 * The worker has no HTTP API; it answers `GET /metrics` on WORKER_METRICS_HOST and
 * WORKER_METRICS_PORT (0: off) for Prometheus, with the same METRICS_TOKEN as the API. A port
 * already taken is logged, not fatal: the worker's job is the queues.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server?: Server;

  constructor(
    private readonly env: Environment,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.env.WORKER_METRICS_PORT) return;
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      if (!metricsScrapeAllowed(this.env.METRICS_TOKEN, req.headers.authorization)) {
        res.writeHead(401, { 'Content-Type': 'text/plain' }).end('unauthorized\n');
        return;
      }
      this.metrics.render().then(
        (body) => res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE }).end(body),
        (error: Error) => {
          this.logger.warn(`metrics scrape failed: ${error.message}`);
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
        },
      );
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.env.WORKER_METRICS_PORT, this.env.WORKER_METRICS_HOST, () => resolve());
      });
      this.server = server;
      const { address, port } = server.address() as AddressInfo;
      this.logger.log(`metrics on ${address} port ${port}`);
    } catch (error) {
      this.logger.error(
        `metrics listener not started on ${this.env.WORKER_METRICS_HOST} port ${this.env.WORKER_METRICS_PORT}: ${(error as Error).message}`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
}
