import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, FIELD_ERROR_CODES } from '../errors/error-codes';

/** One field's problem: `errors[]` of a 400. */
export class FieldErrorView {
  @ApiProperty({
    description:
      'The field’s path in the body or query (nested fields joined by dots, list items by index), or a header’s name',
    example: 'amount',
  })
  field: string;

  @ApiProperty({
    enum: Object.keys(FIELD_ERROR_CODES),
    description: 'Stable snake_case: the rule that failed (see the README’s "Error codes")',
    example: 'below_minimum',
  })
  code: string;

  @ApiProperty({ example: 'amount must be at least 500 (€5.00) for this campaign' })
  message: string;
}

/** The one error body of the API (see AllExceptionsFilter), for every error status. */
export class ErrorBodyView {
  @ApiProperty({ description: 'The HTTP status, repeated', example: 400 })
  statusCode: number;

  @ApiProperty({ description: 'The status’s reason phrase', example: 'Bad Request' })
  error: string;

  @ApiProperty({
    enum: Object.keys(ERROR_CODES),
    description: `Stable snake_case; a program branches on it, not on the message. ${Object.entries(
      ERROR_CODES,
    )
      .map(
        ([code, { status, meaning }]) => `\`${code}\`${status ? ` (${status})` : ''}: ${meaning}`,
      )
      .join('. ')}.`,
    example: 'validation_failed',
  })
  code: string;

  @ApiProperty({
    description: 'For people: names the field or the reason',
    example: 'amount must be at least 500 (€5.00) for this campaign',
  })
  message: string;

  @ApiProperty({
    description: 'Also in the X-Request-Id header: quote it when reporting a problem',
    example: '3f1c0a6e-5b7d-4a52-9a53-1d2b8e0c9f41',
  })
  requestId: string;

  @ApiPropertyOptional({
    type: [FieldErrorView],
    description: 'On a 400 about fields: one entry per failed rule',
  })
  errors?: FieldErrorView[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'On `GET /health/ready`’s 503: each dependency’s state',
    example: { postgres: { status: 'up' }, redis: { status: 'down', message: 'timeout' } },
  })
  details?: Record<string, unknown>;
}
