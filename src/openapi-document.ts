import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorBodyView } from './common/openapi/error-body.view';
import { documentWebhook } from './stripe/webhook-route';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The published OpenAPI document (`/docs-json`, and clients/ts generated from it). Built from
 * the controllers' metadata only, so `npm run clients:generate` builds it without a database.
 * Every operation names its id and summary itself (test/e2e/openapi.e2e-spec.ts checks it).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Donations and pledges API')
      .setDescription(
        'Public endpoints for campaign sites, Stripe webhooks, donor self-service and staff. ' +
          'Every error has the body `ErrorBody`; its `code` is stable (see the README’s "Error codes").',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Staff API key' })
      .build(),
    { extraModels: [ErrorBodyView] },
  );
  documentWebhook(document);
  addCommonErrors(document);
  return document;
}

/**
 * Answers any route can give, added where a route does not describe them itself: 400 for a
 * route that reads a parameter or a body (the validation pipe, a NUL character in any field),
 * 413 for one that reads a body, 500 for all.
 */
function addCommonErrors(document: OpenAPIObject): void {
  const error = (status: number, description: string) => ({
    description,
    content: {
      'application/json': { schema: { $ref: `#/components/schemas/${ErrorBodyView.name}` } },
    },
  });
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation: Operation | undefined = item[method];
      if (!operation) continue;
      const responses = operation.responses;
      const takesInput = Boolean(operation.parameters?.length || operation.requestBody);
      if (takesInput && !responses['400'])
        responses['400'] = error(400, 'A parameter is malformed (code: `validation_failed`)');
      if (operation.requestBody && !responses['413'])
        responses['413'] = error(
          413,
          'The body is over the size limit (code: `payload_too_large`)',
        );
      if (!responses['500'])
        responses['500'] = error(500, `${STATUS_CODES[500]} (code: \`internal_error\`)`);
    }
  }
}
