import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { Request, Response } from 'express';
import { serializeError } from './describe-error';
import { DomainError } from './domain-error';
import { ErrorCode } from './error-codes';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  requestId: string;
  [extra: string]: unknown;
}

/**
 * The code of an error that is not one of ours, by its status: every error body has one, and
 * every one is listed in ERROR_CODES (any other status: `http_error`).
 */
export const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'unavailable',
};

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * The one error body of the API, `{ statusCode, error, code, message, requestId }` (and, for a
 * request that fails validation, `errors: [{ field, code, message }]`), for every
 * error: ours, Nest's (validation, 404 routes), body-parser's (413, bad JSON) and unknown
 * ones, which become a plain 500 whose details go to the log only.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const { status, message, extra, headers } = this.describe(exception);
    if (status >= 500) {
      // Class, code, scrubbed message and frames: never a query's parameters or a recipient.
      this.logger.error({ err: serializeError(exception), requestId: req.id }, 'request failed');
    }
    const body: ErrorBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      code: CODE_BY_STATUS[status] ?? 'http_error',
      message,
      requestId: String(req.id ?? res.getHeader('X-Request-Id') ?? ''),
      ...extra,
    };
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.status(status).json(body);
  }

  private describe(exception: unknown): {
    status: number;
    message: string;
    extra: Record<string, unknown>;
    headers: Record<string, string>;
  } {
    const none = { extra: {}, headers: {} };
    if (exception instanceof DomainError) {
      const headers: Record<string, string> = {};
      const retryAfter = exception.options.retryAfterSeconds;
      if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
      // The code tells apart errors sharing a status (rate_limited, temporarily_blocked…); a
      // service's error about fields names them as the ValidationPipe's errors do.
      const fields = exception.options.fields;
      const errors = fields
        ? { errors: fields.map((f) => ({ field: f.name, code: f.code, message: f.message })) }
        : {};
      return {
        status: exception.status,
        message: exception.message,
        extra: { code: exception.code, ...errors },
        headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      return { status, ...this.fromHttpResponse(response, exception.message) };
    }
    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.too.large') {
      return {
        status: HttpStatus.PAYLOAD_TOO_LARGE,
        message: `Request body is larger than the limit of ${parserError.limit} bytes`,
        ...none,
      };
    }
    if (parserError?.type && parserError.status && parserError.status < 500) {
      return { status: parserError.status, message: 'Request body could not be read', ...none };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error', ...none };
  }

  private fromHttpResponse(
    response: string | object,
    fallback: string,
  ): { message: string; extra: Record<string, unknown>; headers: Record<string, string> } {
    if (typeof response === 'string') return { message: response, extra: {}, headers: {} };
    const r = response as Record<string, unknown>;
    // @nestjs/terminus: { status: 'error', info, error, details }
    if (r.status === 'error' && r.details && typeof r.details === 'object') {
      const down = Object.entries(r.details as Record<string, { status: string }>)
        .filter(([, v]) => v.status !== 'up')
        .map(([k]) => k);
      return {
        message: `Not ready: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down`,
        extra: { details: r.details },
        headers: {},
      };
    }
    const message = Array.isArray(r.message) ? r.message.join('; ') : String(r.message ?? fallback);
    // The ValidationPipe's field errors (see validationException), for programs.
    return { message, extra: Array.isArray(r.errors) ? { errors: r.errors } : {}, headers: {} };
  }
}
