import { Transform } from 'class-transformer';

const mapString = (fn: (s: string) => string) => (value: unknown) =>
  typeof value === 'string' ? fn(value) : value;

/** Trims a string field; other types pass through for the validators to refuse. */
export const Trim = () => Transform(({ value }) => mapString((s) => s.trim())(value));

/** Trims and lower-cases (currency codes, emails). */
export const Lowercase = () =>
  Transform(({ value }) => mapString((s) => s.trim().toLowerCase())(value));

/** Trims and upper-cases (country codes). */
export const Uppercase = () =>
  Transform(({ value }) => mapString((s) => s.trim().toUpperCase())(value));

/** Lower-cases each string of an array. */
export const LowercaseEach = () =>
  Transform(({ value }) =>
    Array.isArray(value) ? value.map(mapString((s) => s.trim().toLowerCase())) : value,
  );
