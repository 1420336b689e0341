/**
 * Every object the stand-in returns starts as a copy of Stripe's published fixture for its
 * type (fixtures.json, extracted from stripe/openapi). Builders must give a value for every
 * fixture field (or keep the fixture's, or omit an expand-only field) and may not add fields
 * the fixture lacks unless listed as `extra`; this keeps shapes Stripe's rather than
 * remembered, and a fixture update that adds or drops a field fails loudly.
 */
import fixtures from './fixtures.json';

export type FixtureName = keyof typeof fixtures.resources;

export function fixture(name: FixtureName): Record<string, unknown> {
  return structuredClone(fixtures.resources[name]) as Record<string, unknown>;
}

export interface FromFixtureOptions<T> {
  /** Fields whose fixture value is a sensible default (e.g. an all-null address). */
  keep?: (keyof T & string)[];
  /** Fields Stripe only includes when expanded (e.g. `charge.refunds`). */
  omit?: string[];
  /** Fields the SDK types document that this fixture example does not show. */
  extra?: (keyof T & string)[];
}

export function fromFixture<T>(
  name: FixtureName,
  values: Partial<T>,
  options: FromFixtureOptions<T> = {},
): T {
  const template = fixture(name);
  const given = values as Record<string, unknown>;
  const keep = new Set<string>(options.keep ?? []);
  const omit = new Set<string>(options.omit ?? []);
  const extra = new Set<string>(options.extra ?? []);
  for (const key of Object.keys(given)) {
    if (!(key in template) && !extra.has(key)) {
      throw new Error(`stand-in bug: ${name}.${key} is not a field of Stripe's ${name} fixture`);
    }
  }
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(template)) {
    if (omit.has(key)) continue;
    if (key in given) result[key] = given[key];
    else if (keep.has(key)) result[key] = template[key];
    else throw new Error(`stand-in bug: no value for ${name}.${key}`);
  }
  for (const key of extra) if (key in given) result[key] = given[key];
  return result as T;
}

/** A value from inside a fixture, e.g. `fixtureValue('charge', 'payment_method_details')`. */
export function fixtureValue<T = unknown>(name: FixtureName, key: string): T {
  return fixture(name)[key] as T;
}

/** Deep copy for event payloads and responses, so later changes do not leak into them. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}

/** Applies Stripe's metadata update rules: `metadata=` clears, `metadata[k]=` removes k. */
export function mergeMetadata(
  current: Record<string, string> | null | undefined,
  update: Record<string, string> | null | undefined,
): Record<string, string> {
  if (update === null) return {};
  const merged: Record<string, string> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(update ?? {})) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Records the previous value of each changed field, for `*.updated` events. */
export function applyChanges<T extends object>(target: T, changes: Partial<T>): Partial<T> {
  const previous: Partial<T> = {};
  for (const key of Object.keys(changes) as (keyof T)[]) {
    const next = changes[key] as T[keyof T];
    if (JSON.stringify(target[key]) !== JSON.stringify(next)) {
      previous[key] = snapshot(target[key]);
      target[key] = next;
    }
  }
  return previous;
}
