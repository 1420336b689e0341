/**
 * Every `code` an error body can carry, with its HTTP status and what it means: the one list
 * the exception filter, the OpenAPI error schema, the README's "Error codes" table and the
 * tests read. A code the API sends that is not here is a bug (error-codes.spec.ts).
 */
export const ERROR_CODES = {
  validation_failed: {
    status: 400,
    meaning:
      'A field, header, query or path parameter is missing or wrong; the message names it and `errors` lists each problem',
  },
  invalid_token: {
    status: 400,
    meaning: 'The confirmation link’s token is unknown, used, replaced by a newer link or expired',
  },
  unauthenticated: {
    status: 401,
    meaning:
      'No, unknown, revoked or expired credentials (staff API key, donor access token, sign-in link, metrics token)',
  },
  forbidden: { status: 403, meaning: 'The staff key lacks the role this route needs' },
  captcha_failed: { status: 403, meaning: 'The CAPTCHA service refused the `captchaToken`' },
  not_found: {
    status: 404,
    meaning:
      'No such route or resource (also a wrong `X-Client-Secret`: unknown id and wrong secret look alike)',
  },
  conflict: {
    status: 409,
    meaning:
      'The resource is not in a state that allows this (a confirmed payment, a refund over what remains…)',
  },
  idempotency_conflict: {
    status: 409,
    meaning: 'The `Idempotency-Key` was used before with another request body',
  },
  not_active: {
    status: 409,
    meaning:
      'The campaign does not take gifts now (draft, not started, ended, closed), or the action does not take signatures (draft, closed)',
  },
  pledge_past_due: {
    status: 409,
    meaning:
      'The pledge’s last payment failed: it takes a new card (or a cancel) before it can be paused',
  },
  email_taken: {
    status: 409,
    meaning:
      'Confirming an email change: another donor record already uses the new address, so nothing changed',
  },
  nothing_to_deliver: {
    status: 409,
    meaning: 'An action has no confirmed signature that an earlier delivery did not carry',
  },
  payload_too_large: { status: 413, meaning: 'The request body is over the size limit' },
  unsupported_media_type: {
    status: 415,
    meaning: 'The body’s charset or encoding is not supported',
  },
  unprocessable: {
    status: 422,
    meaning: 'Stripe refused a change to a pledge (its amount, pause or card)',
  },
  rate_limited: {
    status: 429,
    meaning: 'Too many requests (per client, email or campaign): retry after `Retry-After` seconds',
  },
  temporarily_blocked: {
    status: 429,
    meaning: 'Too many failed payments from this client: blocked for `Retry-After` seconds',
  },
  internal_error: { status: 500, meaning: 'A fault of ours: the `requestId` finds it in our logs' },
  payment_provider_error: {
    status: 502,
    meaning: 'Stripe failed or could not be reached; retry later',
  },
  unavailable: {
    status: 503,
    meaning: 'A dependency is down, or the service is shutting down; retry later',
  },
  captcha_unavailable: {
    status: 503,
    meaning: 'The CAPTCHA service cannot be reached; retry later',
  },
  http_error: {
    status: 0,
    meaning: 'Any other status (none is sent today): the status and message say what happened',
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Every `code` of an `errors[]` entry: the validation rules of request classes (class-validator's
 * rule name in snake_case, see fieldErrors) and the field problems services find.
 */
export const FIELD_ERROR_CODES = {
  // Rules of the request classes.
  unknown_field: 'The field is not part of this request',
  invalid_format: 'The value does not have the expected form (a pattern, a cursor, a date…)',
  invalid_nested: 'The field must be an object of the documented shape',
  is_string: 'Must be a string',
  is_int: 'Must be an integer',
  is_boolean: 'Must be true or false',
  is_date: 'Must be an ISO 8601 date-time',
  is_email: 'Must be an email address',
  is_uuid: 'Must be a UUID',
  is_in: 'Must be one of the documented values',
  is_array: 'Must be a list',
  is_object: 'Must be an object',
  is_length: 'Too short or too long',
  max_length: 'Too long',
  min: 'Below the smallest allowed value',
  max: 'Above the largest allowed value',
  array_min_size: 'The list has too few items',
  array_max_size: 'The list has too many items',
  equals: 'Must be exactly the documented value',
  // Found by services and request readers.
  required: 'Missing, and required here (a header, `captchaToken`, one of several fields)',
  contains_nul: 'Contains a NUL character',
  not_accepted: 'Not accepted by this campaign (a currency it does not take)',
  below_minimum: 'Below the campaign’s minimum gift in this currency',
  above_maximum: 'Above the campaign’s maximum gift in this currency',
  invalid_amount:
    'Not an amount Stripe can charge in this currency (too small, too large, or not a whole unit)',
  out_of_range: 'Outside the allowed range (a date in the past or future, a year, from after to…)',
  invalid_limits: 'The campaign’s gift limits are incomplete or inconsistent',
  unchanged: 'The same as what is stored (an email change to the address already in use)',
  return_url:
    'Not a return URL we send donors to: absolute https (plain http only to this machine, outside production), no user name or password',
  return_host_not_allowed: 'Leads to a site not in CHECKOUT_RETURN_HOSTS',
  unknown_campaign: 'No campaign with this slug (or not public yet)',
  same_campaign: 'Names the campaign itself, where another one is needed',
  campaign_closed: 'Names a campaign that is closed, where an open one is needed',
} as const;

export type FieldErrorCode = keyof typeof FIELD_ERROR_CODES;

/** The status each code answers with (http_error: whatever the status was). */
export const ERROR_STATUS = Object.fromEntries(
  Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]),
) as { [C in ErrorCode]: (typeof ERROR_CODES)[C]['status'] };
