/**
 * Per-endpoint parameter whitelists. Each endpoint declares a shape; anything outside it is
 * rejected the way Stripe rejects it (`Received unknown parameter: payment_intent_data[foo]`),
 * required parameters are enforced (`Missing required param: amount.`) and values are coerced
 * from their form-encoded strings. JSON bodies (control endpoints) pass through the same code,
 * so numbers and booleans are accepted as well as their string forms.
 *
 * An empty string means "unset" in Stripe's encoding; optional fields return null for it.
 */
import { missingParameter, unknownParameter, validationError } from './errors';

export interface Field<T, R extends boolean = boolean> {
  readonly required: R;
  parse(value: unknown, path: string): T;
}

export type Shape = Record<string, Field<unknown>>;

type FieldValue<F> = F extends Field<infer T, boolean> ? T : never;
type RequiredKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends Field<unknown, true> ? K : never;
}[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;

export type Params<S extends Shape> = { [K in RequiredKeys<S>]: FieldValue<S[K]> } & {
  [K in OptionalKeys<S>]?: FieldValue<S[K]>;
};

type Req<T> = Field<T, true>;
type Opt<T> = Field<T | null, false>;

function isNode(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Arrays arrive as `{0: .., 1: ..}` (form) or real arrays (JSON). */
function toList(value: unknown, path: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (isNode(value)) {
    const keys = Object.keys(value);
    if (keys.every((key) => /^\d+$/.test(key))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((key) => value[key]);
    }
  }
  throw validationError(`Invalid array: ${describe(value)}`, 'parameter_invalid_array', path);
}

function field<T>(parse: (value: unknown, path: string) => T): Opt<T>;
function field<T>(parse: (value: unknown, path: string) => T, required: true): Req<T>;
function field<T>(
  parse: (value: unknown, path: string) => T,
  required = false,
): Field<T | null, boolean> {
  return {
    required,
    parse(value, path) {
      if (value === '' || value === null) {
        if (required) throw missingParameter(path);
        return null;
      }
      return parse(value, path);
    },
  };
}

function parseString(maxLength: number) {
  return (value: unknown, path: string): string => {
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'string') {
      throw validationError(`Invalid string: ${describe(value)}`, 'parameter_invalid_string', path);
    }
    if (value.length > maxLength) {
      throw validationError(
        `Invalid string: ${value.slice(0, 20)}...; must be at most ${maxLength} characters`,
        'parameter_invalid_string',
        path,
      );
    }
    return value;
  };
}

function parseInteger(min: number | undefined) {
  return (value: unknown, path: string): number => {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw validationError(
        `Invalid integer: ${describe(value)}`,
        'parameter_invalid_integer',
        path,
      );
    }
    const number = Number(text);
    if (min !== undefined && number < min) {
      throw validationError(
        `This value must be greater than or equal to ${min}.`,
        'parameter_invalid_integer',
        path,
      );
    }
    return number;
  };
}

function parseNumber(value: unknown, path: string): number {
  const number = typeof value === 'number' ? value : Number(value);
  if ((typeof value !== 'number' && typeof value !== 'string') || !Number.isFinite(number)) {
    throw validationError(`Invalid decimal: ${describe(value)}`, 'parameter_invalid_string', path);
  }
  return number;
}

function parseBoolean(value: unknown, path: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw validationError(`Invalid boolean: ${describe(value)}`, 'parameter_invalid_string', path);
}

function parseEnum<T extends string>(values: readonly T[]) {
  return (value: unknown, path: string): T => {
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) {
      return value as T;
    }
    const list =
      values.length > 1
        ? `${values.slice(0, -1).join(', ')}, or ${values[values.length - 1]}`
        : values[0];
    throw validationError(
      `Invalid ${path}: must be one of ${list}`,
      'parameter_invalid_string',
      path,
    );
  };
}

/** Stripe's limits: 50 keys, key names up to 40 characters, values up to 500 characters. */
function parseMetadata(value: unknown, path: string): Record<string, string> {
  if (!isNode(value)) {
    throw validationError(`Invalid object: ${describe(value)}`, 'parameter_invalid_string', path);
  }
  const result: Record<string, string> = {};
  const keys = Object.keys(value);
  if (keys.length > 50) {
    throw validationError(
      'Invalid metadata: metadata may have at most 50 keys',
      'parameter_invalid_string',
      path,
    );
  }
  for (const key of keys) {
    const child = value[key];
    const childPath = `${path}[${key}]`;
    if (key.length > 40) {
      throw validationError(
        `Invalid metadata: key "${key.slice(0, 40)}..." is longer than 40 characters`,
        'parameter_invalid_string',
        childPath,
      );
    }
    if (child === null) {
      result[key] = '';
      continue;
    }
    result[key] = parseString(500)(child, childPath);
  }
  return result;
}

function parseShape<S extends Shape>(shape: S, value: unknown, prefix: string): Params<S> {
  if (!isNode(value)) {
    throw validationError(
      `Invalid object: ${describe(value)}`,
      'parameter_invalid_string',
      prefix || undefined,
    );
  }
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const path = prefix ? `${prefix}[${key}]` : key;
    if (!Object.prototype.hasOwnProperty.call(shape, key)) throw unknownParameter(path);
  }
  for (const [key, spec] of Object.entries(shape)) {
    const path = prefix ? `${prefix}[${key}]` : key;
    const raw = value[key];
    if (raw === undefined) {
      if (spec.required) throw missingParameter(path);
      continue;
    }
    result[key] = spec.parse(raw, path);
  }
  return result as Params<S>;
}

export const p = {
  string: (maxLength = 5000): Opt<string> => field(parseString(maxLength)),
  requiredString: (maxLength = 5000): Req<string> => field(parseString(maxLength), true),
  integer: (min?: number): Opt<number> => field(parseInteger(min)),
  requiredInteger: (min?: number): Req<number> => field(parseInteger(min), true),
  number: (): Opt<number> => field(parseNumber),
  boolean: (): Opt<boolean> => field(parseBoolean),
  oneOf: <T extends string>(...values: T[]): Opt<T> => field(parseEnum(values)),
  requiredOneOf: <T extends string>(...values: T[]): Req<T> => field(parseEnum(values), true),
  metadata: (): Opt<Record<string, string>> => field(parseMetadata),
  stringList: (maxItems = 100): Opt<string[]> =>
    field((value, path) => {
      const list = toList(value, path);
      if (list.length > maxItems) {
        throw validationError(
          `Invalid array: must have at most ${maxItems} items`,
          'parameter_invalid_array',
          path,
        );
      }
      return list.map((item, index) => parseString(5000)(item, `${path}[${index}]`));
    }),
  requiredStringList: (): Req<string[]> =>
    field(
      (value, path) =>
        toList(value, path).map((item, index) => parseString(5000)(item, `${path}[${index}]`)),
      true,
    ),
  object: <S extends Shape>(shape: S): Opt<Params<S>> =>
    field((value, path) => parseShape(shape, value, path)),
  listOf: <S extends Shape>(shape: S): Opt<Params<S>[]> =>
    field((value, path) =>
      toList(value, path).map((item, index) => parseShape(shape, item, `${path}[${index}]`)),
    ),
  requiredListOf: <S extends Shape>(shape: S): Req<Params<S>[]> =>
    field(
      (value, path) =>
        toList(value, path).map((item, index) => parseShape(shape, item, `${path}[${index}]`)),
      true,
    ),
  /** `created=123` or `created[gte]=..&created[lt]=..` */
  range: (): Opt<RangeFilter> =>
    field((value, path): RangeFilter => {
      if (!isNode(value)) return { eq: parseInteger(undefined)(value, path) };
      const shape = { gt: p.integer(), gte: p.integer(), lt: p.integer(), lte: p.integer() };
      const parsed = parseShape(shape, value, path);
      return {
        gt: parsed.gt ?? undefined,
        gte: parsed.gte ?? undefined,
        lt: parsed.lt ?? undefined,
        lte: parsed.lte ?? undefined,
      };
    }),
};

export interface RangeFilter {
  eq?: number;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export function inRange(value: number, range: RangeFilter | null | undefined): boolean {
  if (!range) return true;
  if (range.eq !== undefined && value !== range.eq) return false;
  if (range.gt !== undefined && !(value > range.gt)) return false;
  if (range.gte !== undefined && !(value >= range.gte)) return false;
  if (range.lt !== undefined && !(value < range.lt)) return false;
  if (range.lte !== undefined && !(value <= range.lte)) return false;
  return true;
}

export function validateParams<S extends Shape>(shape: S, raw: unknown): Params<S> {
  return parseShape(shape, raw ?? {}, '');
}

/** Shared by every list endpoint. */
export const pagination = {
  limit: p.integer(),
  starting_after: p.string(),
  ending_before: p.string(),
  expand: p.stringList(),
};

/** Shared by every retrieve endpoint. */
export const retrieve = { expand: p.stringList() };
