/**
 * Errors of our own rules carry a code; the exception filter maps each code to an HTTP
 * status, so services never think in HTTP.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  not_active: 409,
  unprocessable: 422,
  rate_limited: 429,
  temporarily_blocked: 429,
  captcha_failed: 403,
  captcha_unavailable: 503,
  payment_provider_error: 502,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One field's problem (the same shape as the ValidationPipe's `errors` entries). */
export interface DomainFieldError {
  field: string;
  code: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      retryAfterSeconds?: number;
      /**
       * The request field at fault, for a rule a DTO cannot check (a campaign's limits): the
       * body then carries `errors: [{ field, code: fieldCode, message }]` like a DTO's.
       */
      field?: string;
      fieldCode?: string;
      /** Several fields at fault at once (each suggested amount of a campaign, say). */
      errors?: DomainFieldError[];
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
