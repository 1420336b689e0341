import { INestApplication, INestApplicationContext, Logger, ValidationPipe } from '@nestjs/common';
import { validationException } from './common/validation/field-errors';
import { RejectNulPipe } from './common/validation/reject-nul.pipe';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi-document';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { Environment } from './common/config/environment';
import { LoggingOptions } from './common/logging/logging.module';
import { assertDatabaseReachable, runPendingMigrations } from './common/database/migrations';
import { warnUnlessNoEviction } from './common/queue/redis-connection';
import { QueueService } from './common/queue/queue.service';
import { WorkerModule } from './worker.module';
import { shutdownState } from './common/lifecycle/shutdown-state';
import { securityHeaders, serveWebPages } from './web-pages/web-pages';
import { EventInboxService } from './stripe/events/event-inbox.service';
import { routeWebhookFirst } from './stripe/webhook-route';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';
import { mountQueueDashboard } from './operations/queue-dashboard';

/** Before Nest starts: the database must answer, and (unless disabled) be migrated. */
export async function prepareDatabase(env: Environment, migrate: boolean): Promise<string[]> {
  await assertDatabaseReachable(env.DATABASE_URL);
  return migrate ? runPendingMigrations(env.DATABASE_URL) : [];
}

/** The HTTP API, configured and initialised but not listening. */
export async function createApi(
  env: Environment,
  logging: Partial<LoggingOptions> = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(logging), {
    rawBody: true,
    // Parsers are registered below (JSON only); Nest's defaults would add a form parser.
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLogger));
  // Every request express serves counted and timed by route pattern (GET /metrics).
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  // Stripe's webhook is answered before express sees it: it needs none of the API's middleware.
  routeWebhookFirst(app.getHttpServer(), app.get(EventInboxService), app.get(MetricsService));
  // Bull Board owns /admin/queues and everything under it (admin key, own auth): mounted here,
  // before the body parsers (no form parsing in front of it: it reads JSON itself), the
  // security headers, Nest's routes and the web pages' /admin fallback.
  mountQueueDashboard(app);
  app.useBodyParser('json', { limit: env.BODY_LIMIT });
  // JSON only: no form bodies, which any site can post cross-site without a CORS preflight.
  app.use(securityHeaders(env));
  app.enableCors({
    origin: env.CORS_ORIGINS.includes('*') ? true : env.CORS_ORIGINS,
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    allowedHeaders: [
      'Content-Type',
      'Authorization',
      'Idempotency-Key',
      'X-Client-Secret',
      'X-Request-Id',
    ],
  });
  // Whose X-Forwarded-For is believed: req.ip is what every per-client limit counts.
  app.set('trust proxy', env.TRUST_PROXY);
  app.useGlobalPipes(
    new RejectNulPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: validationException,
    }),
  );
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  // The dashboard, donor portal and widget (after Bull Board's /admin/queues, which it skips).
  serveWebPages(app);
  await app.init();
  await warnUnlessNoEviction(app.get(QueueService).redis, new Logger('Redis'));
  return app;
}

/** The worker: queue consumers in an application context, no HTTP listener. */
export async function createWorker(
  logging: Partial<LoggingOptions> = {},
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(logging), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLogger));
  await app.init();
  return app;
}

/**
 * SIGTERM/SIGINT: stop taking requests and jobs, let running ones finish, close connections,
 * exit 0. Past the timeout, exit 1 rather than hang.
 */
export function closeGracefullyOnSignals(
  app: INestApplication | INestApplicationContext,
  timeoutMs: number,
  drainMs = 0,
) {
  const logger = new Logger('Shutdown');
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: finishing work in progress`);
    // First drain: readiness turns 503 and requests already sent (some still unread on their
    // connections) are served; only then does the server stop and close its connections.
    shutdownState.draining = true;
    const timer = setTimeout(() => {
      logger.error(`still busy after ${timeoutMs} ms: exiting`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    new Promise((resolve) => setTimeout(resolve, drainMs))
      .then(() => app.close())
      .then(() => process.exit(0))
      .catch((error: Error) => {
        logger.error(`shutdown failed: ${error.message}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
