import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { catchError, mergeMap, Observable } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { CaptchaService } from './captcha.service';
import { CreationAttempt, CreationKind, CreationLimitsService } from './creation-limits.service';

/**
 * On the routes that start a gift (`POST …/donations`, `…/pledges`, `…/checkout-sessions`) or a
 * signature (`POST …/actions/{action}/signatures`, its own windows, no failed-payment block): the
 * per-email and per-campaign limits, a temporary block after repeated failed payments, then the
 * optional CAPTCHA, all before the body is validated or anything is written. The email and
 * campaign windows count only attempts that started a gift (or may have: Stripe failed), never
 * a request refused for its input, its campaign or a limit. The CAPTCHA token leaves
 * the body here, so it never reaches the service, an idempotency fingerprint or a log (a retry
 * with the same Idempotency-Key and token is not asked again). Once the gift exists, it is
 * linked (by digests) to who started it.
 */
@Injectable()
export class CreationLimitsInterceptor implements NestInterceptor {
  constructor(
    private readonly limits: CreationLimitsService,
    private readonly captcha: CaptchaService,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request>();
    const body: Record<string, unknown> =
      req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const kind =
      this.reflector.get<CreationKind | undefined>(CREATION_KIND, context.getHandler()) ?? 'gift';
    const attempt: CreationAttempt = {
      kind,
      ip: req.ip,
      email: typeof body.email === 'string' ? body.email : undefined,
      campaignSlug: String(req.params.slug ?? ''),
    };
    const { quiet } = await this.limits.admit(attempt);
    if (quiet) (req as QuietRequest)[QUIET] = true;
    const token = body.captchaToken;
    delete body.captchaToken;
    await this.checkCaptcha(req, token);
    return next.handle().pipe(
      mergeMap(async (view: unknown) => {
        const later = countWhenOf(view);
        // Work done after the answer (a signature) counts once it is known to have started.
        if (later) {
          void later.then((started) => (started ? this.limits.count(attempt) : undefined));
        } else await this.limits.count(attempt);
        const gift = giftOf(view);
        if (gift) await this.limits.remember(gift, attempt);
        return view;
      }),
      catchError(async (error: unknown) => {
        // Stripe failed or could not be reached: a gift may have been started, so it counts.
        if (statusOf(error) >= 500) await this.limits.count(attempt);
        throw error;
      }),
    );
  }

  private async checkCaptcha(req: Request, token: unknown): Promise<void> {
    if (!this.captcha.required) return;
    const idempotencyKey = req.get('Idempotency-Key');
    const retry = idempotencyKey && typeof token === 'string' && token ? idempotencyKey : null;
    const route = `${req.method} ${req.route?.path ?? req.path}`;
    if (retry && (await this.limits.captchaPassed(route, retry, token as string))) return;
    await this.captcha.check(token, req.ip);
    if (retry) await this.limits.captchaPassed(route, retry, token as string, true);
  }
}

/**
 * The gift a route started, on a view whose public fields do not name it (a Checkout session's
 * `{ sessionId, url }`): a symbol key, which the JSON answer leaves out.
 */
export const STARTED_GIFT = Symbol('startedGift');

export interface StartedGift {
  kind: 'donation' | 'pledge';
  id: string;
}

/**
 * Set on a signing request over its email window: the route answers as always and starts
 * nothing (see `quietCreation`).
 */
const QUIET = Symbol('quietCreation');
type QuietRequest = Request & { [QUIET]?: boolean };

/** Whether this request must answer as usual but start nothing (a signature over its window). */
export function quietCreation(req: Request): boolean {
  return (req as QuietRequest)[QUIET] === true;
}

/** Which kind of creation limits a route counts in: `SetMetadata(CREATION_KIND, 'signature')`. */
export const CREATION_KIND = Symbol('creationKind');

/**
 * On the view of a route that does its work after answering (signing, which answers the same
 * whatever it then does): resolves to whether something was started, and only then does the
 * attempt count against the email and campaign windows. A symbol key: the JSON answer leaves it
 * out.
 */
export const COUNT_WHEN = Symbol('countWhen');

function countWhenOf(view: unknown): Promise<boolean> | null {
  return (view as { [COUNT_WHEN]?: Promise<boolean> } | null)?.[COUNT_WHEN] ?? null;
}

function statusOf(error: unknown): number {
  if (error instanceof DomainError) return error.status;
  if (error instanceof HttpException) return error.getStatus();
  return 500;
}

function giftOf(view: unknown): StartedGift | null {
  const started = (view as { [STARTED_GIFT]?: StartedGift } | null)?.[STARTED_GIFT];
  if (started) return started;
  const v = (view ?? {}) as { donationId?: unknown; pledgeId?: unknown };
  if (typeof v.pledgeId === 'string') return { kind: 'pledge', id: v.pledgeId };
  if (typeof v.donationId === 'string') return { kind: 'donation', id: v.donationId };
  return null;
}
