import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { invalidField } from '../errors/domain-error';

/** The path of the first string holding a NUL character, or null. */
export function findNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = findNul(inner, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Refuses any input holding a NUL character with a 400 naming the field, before it reaches a
 * service: Postgres cannot store one in text or jsonb, and would otherwise answer a 500.
 */
@Injectable()
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const field = findNul(value, metadata.data ?? '');
    if (field !== null)
      throw invalidField(
        field || metadata.type,
        'contains_nul',
        `${field || metadata.type} must not contain a NUL character`,
      );
    return value;
  }
}
