import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  Logger,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants';
import { catchError, concatMap, from, Observable, switchMap } from 'rxjs';
import { StaffRequest } from '../auth/staff.guard';
import { DomainError } from '../common/errors/domain-error';
import { AuditJson } from './audit-log.entity';
import { AuditOutcome } from './audit-log.repository';
import { AuditService } from './audit.service';
import { redactForAudit, redactString, responseSummary } from './audit-redaction';
import { serializeError } from '../common/errors/describe-error';

const AUDIT_READS = Symbol('audit-reads');
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Records staff GETs of this route too (reads are not audited otherwise): for routes that
 * disclose personal data (a donor's export, donor search, the donations report, lists with
 * donors' gifts). The row holds the route pattern, the key and how many rows were read, never
 * the query string (a searched email) nor the data.
 */
export const AuditReads = () => SetMetadata(AUDIT_READS, true);

const AUDIT_ROWS = 'auditRows';

/**
 * For a handler that streams its answer itself (`@Res()`, a CSV): how many rows it sent, and
 * whether the stream completed. The audit row is completed with it when the handler returns.
 */
export function recordAuditRows(
  res: { locals: Record<string, unknown> },
  rows: number,
  complete: boolean,
): void {
  res.locals[AUDIT_ROWS] = { rows, complete };
}

/** How many rows a read returned: a list's length, `data`'s length, or one object. */
export function readSummary(body: unknown, locals: Record<string, unknown> | undefined): AuditJson {
  const streamed = locals?.[AUDIT_ROWS] as { rows: number; complete: boolean } | undefined;
  if (streamed) return { rows: streamed.rows, complete: streamed.complete };
  if (Array.isArray(body)) return { rows: body.length };
  const data = (body as { data?: unknown } | null)?.data;
  if (Array.isArray(data)) return { rows: data.length };
  return { rows: body === null || body === undefined ? 0 : 1 };
}

/**
 * Every state-changing request made with a staff key, whatever its route: who (key id, name,
 * role), what (method and route pattern), on what (route parameters), with what (the request
 * body, redacted), and how it ended (status code, the response's id and status, or the error).
 *
 * The row is written before the handler runs and completed after, so an action that fails,
 * throws or never answers is still on record; when the row cannot be written, the action is
 * refused (503) rather than done unrecorded. Guards run first: requests without a valid key,
 * or refused for their role, never reach here and change nothing.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<StaffRequest>();
    const staff = req.staff;
    if (!staff) return next.handle();
    const auditReads = this.reflector.getAllAndOverride<boolean>(AUDIT_READS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (READ_METHODS.has(req.method) && !auditReads) return next.handle();

    const started = this.audit
      .begin({
        staffKeyId: staff.keyId,
        staffKeyName: staff.name,
        role: staff.role,
        action: `${req.method} ${routePattern(context, req)}`,
        target: redactForAudit({ ...(req.params ?? {}) }) as AuditJson,
        request: requestBody(req.body),
      })
      .catch((error: unknown) => {
        this.logger.error({ err: serializeError(error) }, 'audit log write failed: action refused');
        throw new DomainError(
          'unavailable',
          'The audit log cannot be written, so nothing was done: try again later',
        );
      });
    const res = context
      .switchToHttp()
      .getResponse<{ statusCode: number; locals?: Record<string, unknown> }>();
    const isRead = READ_METHODS.has(req.method);

    return from(started).pipe(
      switchMap((id) =>
        next.handle().pipe(
          concatMap(async (body: unknown) => {
            await this.complete(id, {
              statusCode: res.statusCode,
              response: isRead ? readSummary(body, res.locals) : responseSummary(body),
            });
            return body;
          }),
          catchError(async (error: unknown) => {
            await this.complete(id, describeError(error));
            throw error;
          }),
        ),
      ),
    );
  }

  /** The action is done by now: a failure here is logged, and the row stays `pending`. */
  private async complete(id: string, outcome: AuditOutcome): Promise<void> {
    try {
      await this.audit.complete(id, outcome);
    } catch (error) {
      this.logger.error(
        { err: serializeError(error), auditId: id },
        'audit log outcome not recorded',
      );
    }
  }
}

/** `/v1/admin/campaigns/:slug`: Express's matched route, else the controller's and handler's paths. */
function routePattern(context: ExecutionContext, req: StaffRequest): string {
  const matched = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof matched === 'string') return matched;
  const parts = [
    Reflect.getMetadata(PATH_METADATA, context.getClass()) as string | undefined,
    Reflect.getMetadata(PATH_METADATA, context.getHandler()) as string | undefined,
  ];
  return `/${parts
    .flatMap((p) => (p ?? '').split('/'))
    .filter(Boolean)
    .join('/')}`;
}

function requestBody(body: unknown): AuditJson | null {
  if (!body || typeof body !== 'object' || Buffer.isBuffer(body)) return null;
  if (!Object.keys(body).length) return null;
  return redactForAudit(body) as AuditJson;
}

/** The status the exception filter will answer with, and the message, emails masked. */
function describeError(error: unknown): AuditOutcome {
  let statusCode = 500;
  let message = 'Internal server error';
  if (error instanceof DomainError) {
    statusCode = error.status;
    message = error.message;
  } else if (error instanceof HttpException) {
    statusCode = error.getStatus();
    const body = error.getResponse();
    const m = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    message = Array.isArray(m) ? m.join('; ') : String(m ?? error.message);
  }
  return { statusCode, response: { error: redactString(message).slice(0, 500) } };
}
