/** Stripe's error object and the handful of errors the stand-in raises, with Stripe's wording. */

export type StripeErrorType =
  'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  code?: string;
  decline_code?: string;
  message: string;
  param?: string;
  doc_url?: string;
  request_log_url?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
}

export interface StandInErrorInit {
  status: number;
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  declineCode?: string;
  extra?: Pick<StripeErrorBody, 'charge' | 'payment_intent' | 'payment_method'>;
  /**
   * Stripe stores no idempotent result when a request fails parameter validation, so a retry
   * with corrected parameters may reuse the key. Errors raised while validating set this.
   */
  validation?: boolean;
}

export class StandInError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly code?: string;
  readonly param?: string;
  readonly declineCode?: string;
  readonly extra?: StandInErrorInit['extra'];
  readonly validation: boolean;

  constructor(init: StandInErrorInit) {
    super(init.message);
    this.name = 'StandInError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.declineCode = init.declineCode;
    this.extra = init.extra;
    this.validation = init.validation ?? false;
  }

  toBody(requestId: string | null): { error: StripeErrorBody } {
    const error: StripeErrorBody = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`;
    }
    if (this.declineCode) error.decline_code = this.declineCode;
    if (this.param) error.param = this.param;
    if (this.extra) Object.assign(error, this.extra);
    if (requestId) {
      error.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}`;
    }
    return { error };
  }
}

export function invalidRequest(
  message: string,
  options: { code?: string; param?: string; status?: number } = {},
): StandInError {
  return new StandInError({
    status: options.status ?? 400,
    type: 'invalid_request_error',
    message,
    code: options.code,
    param: options.param,
  });
}

export function validationError(message: string, code: string, param?: string): StandInError {
  return new StandInError({
    status: 400,
    type: 'invalid_request_error',
    message,
    code,
    param,
    validation: true,
  });
}

export function unknownParameter(param: string): StandInError {
  return validationError(`Received unknown parameter: ${param}`, 'parameter_unknown', param);
}

export function missingParameter(param: string): StandInError {
  return validationError(`Missing required param: ${param}.`, 'parameter_missing', param);
}

/** Stripe spells some object types differently in "No such ..." messages. */
const MISSING_LABELS: Record<string, string> = {
  payment_method: 'PaymentMethod',
  'checkout.session': 'checkout.session',
};

export function resourceMissing(objectType: string, id: string, param?: string): StandInError {
  const label = MISSING_LABELS[objectType] ?? objectType;
  return new StandInError({
    status: 404,
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${label}: '${id}'`,
    param: param ?? 'id',
  });
}

export function unexpectedState(message: string, param?: string): StandInError {
  return invalidRequest(message, { code: 'payment_intent_unexpected_state', param });
}

export function unrecognizedUrl(method: string, path: string): StandInError {
  return new StandInError({
    status: 404,
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}

export function authenticationError(message: string): StandInError {
  return new StandInError({ status: 401, type: 'invalid_request_error', message });
}

export function idempotencyMismatch(key: string): StandInError {
  return new StandInError({
    status: 400,
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}
