import { ValueTransformer } from 'typeorm';

/**
 * Postgres `bigint` arrives from pg as a string. Money is an integer in minor units, so
 * convert exactly, and refuse anything a JS number cannot hold without loss.
 */
export function toSafeInteger(value: string | number | bigint): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || String(n) !== String(value).replace(/^\+/, '')) {
    throw new RangeError(`bigint ${String(value)} is not a safe integer`);
  }
  return n;
}

export const bigintTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) =>
    value === null || value === undefined ? value : toSafeInteger(value),
};

/** A `bigint[]` column: each element converted as `bigintTransformer` does. */
export const bigintArrayTransformer: ValueTransformer = {
  to: (value: number[] | null | undefined) => value,
  from: (value: (string | number)[] | null) =>
    value === null || value === undefined ? value : value.map(toSafeInteger),
};
