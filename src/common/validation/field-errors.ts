import { BadRequestException } from '@nestjs/common';
import { ValidationError } from 'class-validator';

/** One field's problem, as a program reads it: `{ field: 'address.country', code, message }`. */
export interface FieldError {
  /** The field's path in the body or query: nested fields joined by dots, list items by index. */
  field: string;
  /** Stable snake_case: the rule that failed (`is_int`, `is_email`, `unknown_field`…). */
  code: string;
  message: string;
}

/** Rules whose class-validator name would read poorly as a code. */
const RENAMED: Record<string, string> = {
  whitelistValidation: 'unknown_field',
  matches: 'invalid_format',
  nestedValidation: 'invalid_nested',
};

/** The `code` of a failed class-validator rule. */
export function codeOf(rule: string): string {
  return RENAMED[rule] ?? rule.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Every failed rule of the tree class-validator answers, one entry each, by field path. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // A nested field's message names its path, as Nest's own pipe writes it ("address.line1
    // must be…"), unless it already does.
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      code: codeOf(rule),
      message: parent && !message.startsWith(`${field} `) ? `${parent}.${message}` : message,
    }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * The ValidationPipe's error: the messages joined, as before, and `errors`, one per failed
 * rule, for programs (the error filter passes it through to the body).
 */
export function validationException(errors: ValidationError[]): BadRequestException {
  const list = fieldErrors(errors);
  return new BadRequestException({
    message: list.map((e) => e.message),
    errors: list,
  });
}
