import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ERROR_CODES } from '../errors/error-codes';
import { ErrorBodyView } from './error-body.view';

/** The codes a status answers with, for a response's description. */
function codesFor(status: number): string {
  return Object.entries(ERROR_CODES)
    .filter(([, c]) => c.status === status)
    .map(([code]) => `\`${code}\``)
    .join(', ');
}

/**
 * Error responses of a route, each with the API's error body: `@ApiErrors(400, 404, 409)`, or
 * `@ApiErrors({ 409: 'Campaign not active' })` to say when. The description ends with the codes
 * of that status, unless it names its own (`… (code: \`captcha_failed\`)`). A later description
 * of the same status (a method's, under its controller's) replaces the earlier one.
 */
export function ApiErrors(
  ...answers: (number | Record<number, string>)[]
): MethodDecorator & ClassDecorator {
  const described: Record<number, string> = {};
  for (const answer of answers) {
    if (typeof answer === 'number') described[answer] = '';
    else Object.assign(described, answer);
  }
  return applyDecorators(
    ApiExtraModels(ErrorBodyView),
    ...Object.entries(described).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description: /\(code: `[a-z_]+`.*\)$/.test(description)
          ? description
          : `${description || STATUS_CODES[Number(status)]} (code: ${codesFor(Number(status)) || '`http_error`'})`,
        type: ErrorBodyView,
      }),
    ),
  );
}

/**
 * A 200 whose body is a file (a PDF, a CSV) or text, with its content type. Not `@ApiProduces`,
 * which would give the route's JSON errors that type too.
 */
export function ApiFile(contentType: string, description: string): MethodDecorator {
  return applyDecorators(
    ApiOkResponse({
      description,
      content: { [contentType]: { schema: { type: 'string', format: 'binary' } } },
    }),
  );
}

const lists = new Map<Type<unknown>, Type<unknown>>();

/** `{ data: T[] }`, the API's list body, as a named schema (`<T>List`). */
export function ListOf<T>(item: Type<T>): Type<{ data: T[] }> {
  let list = lists.get(item);
  if (!list) {
    class List {
      @ApiProperty({ type: [item] })
      data: T[];
    }
    Object.defineProperty(List, 'name', { value: `${item.name.replace(/View$/, '')}List` });
    list = List;
    lists.set(item, list);
  }
  return list as Type<{ data: T[] }>;
}
