import { Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createBullBoard } from '@bull-board/api';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { STATUS_CODES } from 'node:http';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { ApiKeysService, roleAllows } from '../auth/api-keys.service';
import { Environment } from '../common/config/environment';
import { QUEUE_NAMES } from '../common/queue/job-catalogue';
import { QueueService } from '../common/queue/queue.service';
import { requestId } from '../common/logging/logging.module';
import { METRICS_ROUTE } from '../metrics/http-metrics.middleware';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const logger = new Logger('QueueDashboard');

/**
 * The key a request presents: `Authorization: Bearer <key>`, or HTTP Basic whose password (or,
 * when it has none, user name) is the key, so that a browser asks for it with its own prompt.
 */
export function presentedKey(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization)?.[1];
  if (!basic) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, password] =
    colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return password || user || undefined;
}

function refuse(req: Request, res: Response, status: 401 | 403 | 503, message: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"');
  res.status(status).json({
    statusCode: status,
    error: STATUS_CODES[status],
    message,
    requestId: requestId(req, res),
  });
}

/**
 * Security headers of the dashboard, on every answer under /admin/queues (401s included):
 * helmet's, framing refused, and a CSP of its own that Bull Board's page satisfies (checked in
 * Chromium against @bull-board/ui 9.10: no violation on the queue, job and data views). Its
 * scripts, styles, translations and highlight worker are files it serves itself; its pages use
 * inline style attributes and <style> elements, hence 'unsafe-inline' for styles (never for
 * scripts); its fonts come from Google Fonts. The inline `<script type="application/json">`
 * holding its settings is data, never run: CSP does not apply to it.
 */
export function dashboardSecurityHeaders(env: Environment) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        fontSrc: ["'self'", 'https://fonts.gstatic.com', 'data:'],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(env.NODE_ENV === 'production' ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
  });
}

/**
 * Admin keys only: no or unknown key 401 (with a Basic challenge), another role 403. A
 * change (retry, clean, pause …) is written to the audit log before it runs and completed
 * after, as the API's own staff actions are; if it cannot be recorded it does not run.
 */
function adminOnly(apiKeys: ApiKeysService, audit: AuditLogRepository) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    res.locals[METRICS_ROUTE] = QUEUE_DASHBOARD_PATH;
    try {
      const key = presentedKey(req.headers.authorization);
      const staff = key ? await apiKeys.authenticate(key) : null;
      if (!staff) {
        return refuse(
          req,
          res,
          401,
          'An admin API key is required (Bearer, or as the Basic password)',
        );
      }
      if (!roleAllows(staff.role, 'admin')) {
        return refuse(req, res, 403, 'The queue dashboard needs the admin role');
      }
      if (!READS.has(req.method)) {
        const id = await audit.begin({
          staffKeyId: staff.keyId,
          staffKeyName: staff.name,
          role: staff.role,
          action: `${req.method} ${QUEUE_DASHBOARD_PATH}${req.path}`,
          target: {},
          request: null,
        });
        res.once('finish', () => {
          audit.complete(id, { statusCode: res.statusCode, response: null }).catch((error) => {
            logger.error({ err: (error as Error).message }, 'could not complete the audit row');
          });
        });
      }
      next();
    } catch (error) {
      logger.error(
        { err: (error as Error).message },
        'queue dashboard refused: cannot check or record',
      );
      refuse(req, res, 503, 'Cannot check the key or record the action now: try again later');
    }
  };
}

/**
 * Bull Board at /admin/queues: every queue of the catalogue, its jobs by state, failed ones
 * with their error, and retry. Mounted on the express app before Nest's routes and the web
 * pages' fallback (and their security headers), so everything under /admin/queues is the
 * dashboard's, with headers of its own.
 */
export function mountQueueDashboard(app: NestExpressApplication): void {
  const queues = app.get(QueueService);
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queues.queue(name))),
    // @bull-board/express 9.10.1 declares its own copy of @bull-board/api's types (9.10.2):
    // the same interface, which TypeScript sees as two because of a private member.
    serverAdapter: serverAdapter as unknown as IServerAdapter,
    options: { uiConfig: { boardTitle: 'Pledge queues' } },
  });
  app.use(
    QUEUE_DASHBOARD_PATH,
    dashboardSecurityHeaders(app.get(Environment)),
    adminOnly(app.get(ApiKeysService), app.get(AuditLogRepository)),
    serverAdapter.getRouter(),
  );
}
