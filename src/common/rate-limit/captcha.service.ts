import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '../config/environment';
import { DomainError, invalidField } from '../errors/domain-error';

const VERIFY_TIMEOUT_MS = 5000;
/** Answers that mean our configuration is wrong, not the donor's CAPTCHA. */
const OUR_FAULT = new Set([
  'missing-input-secret',
  'invalid-input-secret',
  'sitekey-secret-mismatch',
]);

/** Whether starting a gift needs a CAPTCHA token (both CAPTCHA variables are set). */
export function captchaRequired(env: Environment): boolean {
  return !!env.CAPTCHA_SECRET && !!env.CAPTCHA_VERIFY_URL;
}

interface SiteverifyAnswer {
  success?: unknown;
  'error-codes'?: unknown;
}

/**
 * The optional CAPTCHA on starting a gift: with CAPTCHA_SECRET and CAPTCHA_VERIFY_URL set,
 * a request's `captchaToken` is checked with the service's siteverify endpoint (Turnstile,
 * hCaptcha and reCAPTCHA share its form). If the endpoint cannot be reached, gifts are refused
 * (503): an operator turns the CAPTCHA on while under attack, and failing open would switch it
 * off exactly when an attacker can make it slow. Tokens never reach a log line.
 */
@Injectable()
export class CaptchaService {
  private readonly logger = new Logger(CaptchaService.name);

  constructor(private readonly env: Environment) {}

  get required(): boolean {
    return captchaRequired(this.env);
  }

  /** Throws unless the token passes (or no CAPTCHA is configured). */
  async check(token: unknown, remoteIp: string | undefined): Promise<void> {
    if (!this.required) return;
    if (token === undefined || token === null || token === '')
      throw invalidField(
        'captchaToken',
        'required',
        'captchaToken is required: complete the CAPTCHA',
      );
    if (typeof token !== 'string' || token.length > 4096)
      throw invalidField(
        'captchaToken',
        'invalid_format',
        'captchaToken must be the CAPTCHA’s token string',
      );
    const answer = await this.verify(token, remoteIp);
    if (answer.success === true) return;
    const codes = Array.isArray(answer['error-codes'])
      ? answer['error-codes'].filter((c): c is string => typeof c === 'string')
      : [];
    if (codes.some((c) => OUR_FAULT.has(c))) {
      this.logger.error({ codes }, 'CAPTCHA verification refused our secret');
      throw this.unavailable();
    }
    throw new DomainError(
      'captcha_failed',
      `captchaToken was not accepted${codes.length ? ` (${codes.join(', ')})` : ''}: complete the CAPTCHA again`,
    );
  }

  private async verify(token: string, remoteIp: string | undefined): Promise<SiteverifyAnswer> {
    const form = new URLSearchParams({ secret: this.env.CAPTCHA_SECRET!, response: token });
    if (remoteIp) form.set('remoteip', remoteIp);
    try {
      const res = await fetch(this.env.CAPTCHA_VERIFY_URL!, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form,
        signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const answer = (await res.json()) as SiteverifyAnswer;
      if (!answer || typeof answer !== 'object') throw new Error('not a JSON object');
      return answer;
    } catch (error) {
      this.logger.warn(`CAPTCHA verification unavailable (${(error as Error).message})`);
      throw this.unavailable();
    }
  }

  private unavailable(): DomainError {
    return new DomainError(
      'captcha_unavailable',
      'The CAPTCHA cannot be checked right now: try again in a minute',
      { retryAfterSeconds: 60 },
    );
  }
}
