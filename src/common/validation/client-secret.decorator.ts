import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { Request } from 'express';
import { invalidField } from '../errors/domain-error';

/**
 * The request's `X-Client-Secret` header (a PaymentIntent's client secret, the proof that the
 * caller started the gift): a 400 naming the header when it is missing.
 */
export const ClientSecret = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const secret = context.switchToHttp().getRequest<Request>().headers['x-client-secret'];
  if (typeof secret !== 'string' || !secret) {
    throw invalidField('X-Client-Secret', 'required', 'X-Client-Secret header is required');
  }
  return secret;
});

/** The header in the OpenAPI document of a route that reads `@ClientSecret()`. */
export const ApiClientSecret = () =>
  applyDecorators(
    ApiHeader({
      name: 'X-Client-Secret',
      required: true,
      description: "The PaymentIntent's client secret",
    }),
    ApiErrors({
      400: 'X-Client-Secret header missing',
      404: 'Unknown id or wrong secret (alike: the answer tells nothing to who knows only an id)',
    }),
  );
