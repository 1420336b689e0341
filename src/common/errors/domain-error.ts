import { ERROR_STATUS, ErrorCode, FieldErrorCode } from './error-codes';

/** The codes a rule of ours raises (http_error is only the filter's fallback). */
export type DomainErrorCode = Exclude<ErrorCode, 'http_error'>;

/** A field a 400 is about: the error body's `errors: [{ field, code, message }]` names it. */
export interface ErrorField {
  /** The field's path in the body or query (`amount`, `limits.eur.min`), or a header's name. */
  name: string;
  code: FieldErrorCode;
}

/** One of several fields a 400 is about, with the message for that field alone. */
export interface FieldProblem extends ErrorField {
  message: string;
}

/**
 * Errors of our own rules carry a code (see error-codes.ts); the exception filter maps each code
 * to an HTTP status, so services never think in HTTP.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly options: {
      retryAfterSeconds?: number;
      /** The fields at fault, each with its message: the body's `errors` entries. */
      fields?: FieldProblem[];
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** A 400 about one field: the message names it, and so does the body's `errors` entry. */
export function invalidField(name: string, code: FieldErrorCode, message: string): DomainError {
  return new DomainError('validation_failed', message, { fields: [{ name, code, message }] });
}
