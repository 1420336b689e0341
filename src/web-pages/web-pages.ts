import { Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Environment } from '../common/config/environment';

/**
 * The staff dashboard (/admin), the donor portal (/donor), the progress widget (/widget), the
 * donation form (/donate/<slug>, and /widget/donate.js that puts it on any site) and the sign
 * form (/act/<slug>/<action>, /widget/act.js, and /act/confirm for the emailed link), built by
 * Vite from web/ into web/dist and served by the API process.
 */

/** Where Vite puts the pages: from src/ (tests, @swc-node/register) and from dist/src/ (built). */
const CANDIDATE_DIRS = [
  resolve(__dirname, '..', '..', 'web', 'dist'),
  resolve(__dirname, '..', '..', '..', 'web', 'dist'),
];

/** Bull Board lives under /admin/queues: the dashboard's fallback leaves it alone. */
const NOT_THE_DASHBOARD = /^\/admin\/queues(\/|$)/;

const STRIPE_JS = 'https://js.stripe.com';

/** The donation form's page: /donate/<slug> (any slug; the page says when none matches). */
const DONATE_PAGE = /^\/donate\/[^/]+\/?$/;

/** The sign form's page: /act/<slug>/<action> (any; the page says when none matches). */
const ACT_PAGE = /^\/act\/[^/]+\/[^/]+\/?$/;

/** The emailed confirmation link's page (its token in the fragment): never framed. */
const ACT_CONFIRM_PAGE = /^\/act\/confirm\/?$/;

/**
 * True when Stripe calls go to a stand-in rather than Stripe: card forms are simulated. Never in
 * production, whatever STRIPE_API_URL says: real donors must not be offered a pretend card form
 * (without a publishable key, the portal says card updates are not available instead).
 */
export function stripeSimulated(env: Environment): boolean {
  if (env.NODE_ENV === 'production') return false;
  return new URL(env.STRIPE_API_URL).hostname !== 'api.stripe.com';
}

export function webPagesDir(): string | null {
  return CANDIDATE_DIRS.find((dir) => existsSync(join(dir, 'admin', 'index.html'))) ?? null;
}

/**
 * Security headers: helmet's defaults everywhere, with a CSP the built pages satisfy (external
 * module scripts only; Stripe.js and its frames for the Payment Element; the stand-in's
 * control API when card forms are simulated). The widget, the donation form and the sign form
 * may be framed (and the widget's scripts loaded) by any site; the dashboard, the portal and
 * the signature confirmation page stay unframeable (a framed Confirm button could be clicked
 * for someone).
 */
export function securityHeaders(env: Environment) {
  const production = env.NODE_ENV === 'production';
  const connect = ["'self'", 'https://api.stripe.com'];
  if (stripeSimulated(env)) connect.push(new URL(env.STRIPE_API_URL).origin);
  const directives = {
    scriptSrc: ["'self'", STRIPE_JS],
    frameSrc: ["'self'", STRIPE_JS, 'https://hooks.stripe.com'],
    connectSrc: connect,
    upgradeInsecureRequests: production ? [] : null,
  };
  const pages = helmet({ contentSecurityPolicy: { directives } });
  const widget = helmet({
    contentSecurityPolicy: {
      directives: { ...directives, frameAncestors: ['*'], scriptSrc: ["'self'"] },
    },
    frameguard: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  // The form takes the card (Stripe.js, its frames) inside any site's page.
  const donate = helmet({
    contentSecurityPolicy: { directives: { ...directives, frameAncestors: ['*'] } },
    frameguard: false,
  });
  // The sign form: inside any site's page too, but it needs nothing of Stripe's.
  const act = helmet({
    contentSecurityPolicy: {
      directives: {
        ...directives,
        scriptSrc: ["'self'"],
        frameSrc: ["'none'"],
        connectSrc: ["'self'"],
        frameAncestors: ['*'],
      },
    },
    frameguard: false,
  });
  return (req: Request, res: Response, next: NextFunction) =>
    (req.path.startsWith('/widget/')
      ? widget
      : DONATE_PAGE.test(req.path)
        ? donate
        : ACT_PAGE.test(req.path) && !ACT_CONFIRM_PAGE.test(req.path)
          ? act
          : pages)(req, res, next);
}

/**
 * Serves the built pages, with long caching for hashed assets and none for HTML, and the
 * single-page fallbacks. Without a build the API still starts: a warning, and 404s.
 */
export function serveWebPages(app: NestExpressApplication): void {
  const logger = new Logger('WebPages');
  const dir = webPagesDir();
  if (!dir) {
    logger.warn(
      'web pages are not built (npm run build:web): /admin, /donor, /widget, /donate, /act answer 404',
    );
    return;
  }
  const noCache = (res: Response) => res.setHeader('Cache-Control', 'no-cache');
  app.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
    }),
  );
  // progress.js keeps its name (sites embed it), so it is revalidated like the HTML.
  app.use(
    '/widget',
    express.static(join(dir, 'widget'), { index: false, setHeaders: (res) => noCache(res) }),
  );
  // The pages' icon (web/public): browsers and crawlers ask for /favicon.ico on their own.
  for (const icon of ['favicon.svg', 'favicon.ico'])
    app.use(`/${icon}`, (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res.sendFile(join(dir, icon), { maxAge: '1d' }, (error) => error && next(error));
    });
  // The donation form: one page for every campaign (it reads the slug from its address).
  app.use(DONATE_PAGE, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    noCache(res);
    res.sendFile(join(dir, 'donate', 'index.html'), (error) => error && next(error));
  });
  // The sign form and the confirmation link's page: one page, which reads its address.
  app.use([ACT_PAGE, ACT_CONFIRM_PAGE], (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    noCache(res);
    res.sendFile(join(dir, 'act', 'index.html'), (error) => error && next(error));
  });
  const page = (name: 'admin' | 'donor') => join(dir, name, 'index.html');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const area = /^\/(admin|donor)(\/|$)/.exec(req.path)?.[1] as 'admin' | 'donor' | undefined;
    if (!area || NOT_THE_DASHBOARD.test(req.path)) return next();
    noCache(res);
    res.sendFile(page(area), (error) => error && next(error));
  });
}
