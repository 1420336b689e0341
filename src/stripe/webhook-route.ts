import { Logger } from '@nestjs/common';
import { OpenAPIObject } from '@nestjs/swagger';
import { STATUS_CODES, IncomingMessage, Server, ServerResponse } from 'node:http';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { requestId } from '../common/logging/logging.module';
import { MetricsService } from '../metrics/metrics.service';
import { EventInboxService } from './events/event-inbox.service';
import { serializeError } from '../common/errors/describe-error';

export const WEBHOOK_PATH = '/v1/stripe/webhook';

/** Stripe's events can outgrow the limit meant for forms: a 413 would be retried forever. */
const WEBHOOK_BODY_LIMIT = 2 * 1024 * 1024;

const logger = new Logger('StripeWebhook');

function reply(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The API's one error body (see AllExceptionsFilter), for a route that runs outside Nest. */
function replyError(
  res: ServerResponse,
  id: string,
  status: number,
  code: ErrorCode,
  message: string,
): void {
  reply(res, status, {
    statusCode: status,
    error: STATUS_CODES[status] ?? 'Error',
    code,
    message,
    requestId: id,
  });
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > WEBHOOK_BODY_LIMIT) return reject(new TooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > WEBHOOK_BODY_LIMIT) {
        req.removeAllListeners('data');
        req.resume();
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/**
 * Stripe's webhook, answered before express sees the request: raw body, signature, one insert,
 * 200. It is the hottest route on a campaign's big day and needs none of what the rest of the
 * API runs per request (router, helmet, CORS, body parsers, guards, pipes, interceptors,
 * request logging), which cost it most of its throughput (docs/performance.md). Every other
 * request goes to express as before. Answers exactly as a Nest route would: 200 `{received,
 * duplicate}` once stored, 400 for a missing or wrong signature or a body that is not an event,
 * 413 past 2 MB, 503 when the event cannot be stored. Counted in the HTTP metrics like any route.
 */
export function routeWebhookFirst(
  server: Server,
  inbox: EventInboxService,
  metrics: MetricsService,
): void {
  const others = server.listeners('request') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    const ours =
      req.method === 'POST' && (url === WEBHOOK_PATH || url.startsWith(`${WEBHOOK_PATH}?`));
    if (!ours) {
      for (const listener of others) listener.call(server, req, res);
      return;
    }
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: 'POST', route: WEBHOOK_PATH, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    handle(inbox, req, res);
  });
}

function handle(inbox: EventInboxService, req: IncomingMessage, res: ServerResponse): void {
  const id = requestId(req, res);
  readBody(req)
    .then((body) => {
      const signature = req.headers['stripe-signature'];
      const event = inbox.verify(body, typeof signature === 'string' ? signature : undefined);
      return inbox.receive(event);
    })
    .then((receipt) => reply(res, 200, receipt))
    .catch((error: unknown) => {
      if (error instanceof DomainError) {
        return replyError(res, id, error.status, error.code, error.message);
      }
      if (error instanceof TooLarge) {
        return replyError(
          res,
          id,
          413,
          'payload_too_large',
          `Request body is larger than the limit of ${WEBHOOK_BODY_LIMIT} bytes`,
        );
      }
      logger.error({ err: serializeError(error), requestId: id }, 'webhook failed');
      replyError(res, id, 500, 'internal_error', 'Internal server error');
    });
}

/** The route in the OpenAPI document, since Nest's scanner does not see it. */
export function documentWebhook(document: OpenAPIObject): void {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBodyView' } } },
  });
  document.paths[WEBHOOK_PATH] = {
    post: {
      tags: ['stripe'],
      operationId: 'receiveStripeWebhook',
      summary: "Stripe's webhook: 200 once the event is stored",
      parameters: [
        {
          name: 'Stripe-Signature',
          in: 'header',
          required: true,
          schema: { type: 'string' },
          description: 'Checked against every secret in STRIPE_WEBHOOK_SECRETS',
        },
      ],
      requestBody: {
        required: true,
        description: 'A Stripe event, as Stripe sends it (the raw body is verified)',
        content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } },
      },
      responses: {
        '200': {
          description: 'Stored (or already stored)',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['received', 'duplicate'],
                properties: {
                  received: { type: 'boolean', enum: [true] },
                  duplicate: {
                    type: 'boolean',
                    description: 'The event was stored before: nothing new was done',
                  },
                },
                example: { received: true, duplicate: false },
              },
            },
          },
        },
        '400': error(
          'Missing, malformed or wrong signature, or not an event: nothing stored (code: `validation_failed`)',
        ),
        '413': error('Body over 2 MB (code: `payload_too_large`)'),
        '500': error('Internal Server Error (code: `internal_error`)'),
        '503': error('The event could not be stored: Stripe retries (code: `unavailable`)'),
      },
    },
  };
}
