import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { Environment } from '../config/environment';
import { logSafeError } from '../errors/describe-error';
import { REDACT_PATHS, redactUrl } from './redaction';

export const REQUEST_ID_HEADER = 'x-request-id';
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Takes a caller's request id when it is well-formed, otherwise makes one; echoes it back. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id =
    typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export interface LoggingOptions {
  /** Which process is logging: `api`, `worker` or `cli`. */
  service: string;
  /** Where log lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/** JSON logs with pino: one logger per class, a request id on every line, personal data redacted. */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [Environment],
          useFactory: (env: Environment) => ({
            pinoHttp: [
              {
                level: env.LOG_LEVEL,
                genReqId: requestId,
                redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
                autoLogging: {
                  ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false,
                },
                base: { service: options.service },
                serializers: {
                  // No client IP, no headers beyond what debugging needs: donors may be at risk.
                  req: (req: { id: string; method: string; url: string }) => ({
                    id: req.id,
                    method: req.method,
                    url: redactUrl(req.url),
                  }),
                  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
                  // Errors, ours or a library's (a QueryFailedError holds the query's parameters,
                  // an SMTP error the recipient): class, code, scrubbed message and frames only.
                  err: logSafeError,
                  error: logSafeError,
                },
              },
              options.destination ?? process.stdout,
            ],
          }),
        }),
      ],
    };
  }
}
