/**
 * What never reaches a log line: donors' personal data, credentials and Stripe secrets.
 * Paths are pino redact paths; `*` matches one level.
 */
const SENSITIVE_KEYS = [
  'email',
  'name',
  'displayName',
  'address',
  'phone',
  'token',
  'password',
  'secret',
  'apiKey',
  'key',
  'clientSecret',
  'client_secret',
  'message',
  'tribute',
  'comment',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  ...SENSITIVE_KEYS.flatMap((k) => [`body.${k}`, `*.body.${k}`, `data.${k}`, `donor.${k}`]),
  // Errors are serialized to class, code, message and frames (logSafeError); should one reach
  // a line another way, the fields where libraries keep data are cut: a QueryFailedError's
  // query, parameters and driver error, Postgres's detail, nodemailer's reply and recipients.
  ...['err', 'error', '*.err', '*.error'].flatMap((e) =>
    [
      'query',
      'parameters',
      'driverError',
      'detail',
      'response',
      'rejected',
      'rejectedErrors',
      'envelope',
    ].map((f) => `${e}.${f}`),
  ),
];

/**
 * A request URL as logged: the path, with every query value masked (`?email=…` would
 * otherwise put an address in the log).
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const keys = [...new Set(params.keys())].map((k) => `${encodeURIComponent(k)}=[Redacted]`);
  return `${url.slice(0, q)}?${keys.join('&')}`;
}
