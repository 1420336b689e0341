import { Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { STATUS_CODES } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { AuditService } from '../audit/audit.service';
import { ApiKeysService, AuthenticatedStaff, roleAllows } from '../auth/api-keys.service';
import { Environment } from '../common/config/environment';
import { QUEUE_NAMES } from '../common/queue/job-catalogue';
import { QueueService } from '../common/queue/queue.service';
import { requestId } from '../common/logging/logging.module';
import { serializeError } from '../common/errors/describe-error';
import { METRICS_ROUTE } from '../metrics/http-metrics.middleware';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const logger = new Logger('QueueDashboard');

/** The dashboard's session cookie: HttpOnly, SameSite=Strict, only sent under /admin/queues. */
export const SESSION_COOKIE = 'queues_session';
/** How long a dashboard session lasts; the staff dashboard makes a new one on each opening. */
export const SESSION_SECONDS = 15 * 60;

/** The key a request presents as `Authorization: Bearer <key>`; Basic is not accepted. */
export function presentedKey(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  return /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
}

/** One cookie's value from a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * Whether a browser sent this request from a page of this same origin. `Sec-Fetch-Site`
 * (every current browser) says so directly; without it, `Origin` must name this host. A
 * request carrying neither is refused when it rides on the cookie: scripts use Bearer.
 */
export function sameOrigin(req: Request, method: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') {
    // `none`: the user typed the address or used a bookmark; a read only.
    return site === 'same-origin' || (site === 'none' && READS.has(method));
  }
  const origin = req.headers.origin;
  if (typeof origin === 'string') {
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }
  return READS.has(method);
}

function refuse(req: Request, res: Response, status: 401 | 403 | 503, message: string): void {
  res.status(status).json({
    statusCode: status,
    error: STATUS_CODES[status],
    message,
    requestId: requestId(req, res),
  });
}

/** Dashboard sessions in Redis, by the SHA-256 of their token: made with an admin key, short-lived. */
class DashboardSessions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(token: string): string {
    return `${this.prefix}:queue-dashboard:session:${createHash('sha256').update(token).digest('hex')}`;
  }

  async open(keyId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(token), keyId, 'EX', SESSION_SECONDS);
    return token;
  }

  /** The key id a session was made with, while it lasts. */
  async keyIdOf(token: string): Promise<string | null> {
    return /^[A-Za-z0-9_-]{43}$/.test(token) ? this.redis.get(this.key(token)) : null;
  }

  async close(token: string): Promise<void> {
    await this.redis.del(this.key(token));
  }
}

function sessionCookie(env: Environment, token: string, maxAge: number): string {
  const secure = env.NODE_ENV === 'production' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${token}; Path=${QUEUE_DASHBOARD_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`;
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
 * Admin keys only, presented as `Authorization: Bearer` (scripts) or through the session cookie
 * that `POST /admin/queues/session` gives for a Bearer admin key (browsers: the staff
 * dashboard's Queues button). No HTTP Basic: a browser keeps and sends it on any request,
 * cross-site ones included. A cookie request must come from this origin (`Sec-Fetch-Site` or
 * `Origin`), else 403. No or unknown key 401, another role 403. A change (retry, clean,
 * pause …, and opening a session) is written to the audit log before it runs and completed
 * after, as the API's own staff actions are; if it cannot be recorded it does not run.
 */
function adminOnly(
  env: Environment,
  apiKeys: ApiKeysService,
  audit: AuditService,
  sessions: DashboardSessions,
) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    res.locals[METRICS_ROUTE] = QUEUE_DASHBOARD_PATH;
    res.setHeader('Cache-Control', 'no-store');
    try {
      const key = presentedKey(req.headers.authorization);
      const token = key ? undefined : cookieValue(req.headers.cookie, SESSION_COOKIE);
      const isSessionRoute = req.path === '/session';
      if (token && !sameOrigin(req, req.method)) {
        return refuse(req, res, 403, 'The queue dashboard refuses requests from other sites');
      }
      let staff: AuthenticatedStaff | null = null;
      if (key) staff = await apiKeys.authenticate(key);
      else if (token && !(isSessionRoute && req.method === 'POST')) {
        const keyId = await sessions.keyIdOf(token);
        staff = keyId ? await apiKeys.stillActive(keyId) : null;
      }
      if (!staff) {
        return refuse(
          req,
          res,
          401,
          'An admin API key is required (Bearer), or a session opened with one at POST /admin/queues/session',
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
            logger.error({ err: serializeError(error) }, 'could not complete the audit row');
          });
        });
      }
      if (isSessionRoute && req.method === 'POST') {
        const opened = await sessions.open(staff.keyId);
        res.setHeader('Set-Cookie', sessionCookie(env, opened, SESSION_SECONDS));
        res.status(204).end();
        return;
      }
      if (isSessionRoute && req.method === 'DELETE') {
        if (token) await sessions.close(token);
        res.setHeader('Set-Cookie', sessionCookie(env, '', 0));
        res.status(204).end();
        return;
      }
      next();
    } catch (error) {
      logger.error(
        { err: serializeError(error) },
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
  const env = app.get(Environment);
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queues.queue(name))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Pledge queues' } },
  });
  app.use(
    QUEUE_DASHBOARD_PATH,
    dashboardSecurityHeaders(env),
    adminOnly(
      env,
      app.get(ApiKeysService),
      app.get(AuditService),
      new DashboardSessions(queues.redis, env.QUEUE_PREFIX),
    ),
    serverAdapter.getRouter(),
  );
}
