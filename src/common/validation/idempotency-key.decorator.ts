import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { invalidField } from '../errors/domain-error';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,255}$/;

/**
 * The request's `Idempotency-Key` header, validated (8-255 letters, digits, `_ . : -`), or
 * undefined when absent.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const key = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw invalidField(
      'Idempotency-Key',
      'invalid_format',
      'Idempotency-Key must be 8-255 letters, digits, _ . : or -',
    );
  }
  return key;
});
