import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError, Environment, validateEnvironment } from './environment';

/**
 * Entry points call this first: reads `.env` when present (variables already set win),
 * validates, and on a bad variable prints one line naming it and exits non-zero.
 */
export function loadEnvironmentOrExit(): Environment {
  if (existsSync('.env')) {
    const fromFile = parseEnv(readFileSync('.env', 'utf8')) as Record<string, string>;
    for (const [key, value] of Object.entries(fromFile)) {
      if (process.env[key] === undefined) process.env[key] = value;
    }
  }
  try {
    return validateEnvironment(process.env);
  } catch (error) {
    exitOnConfigError(error);
  }
}

/** Prints a ConfigError as its one line and exits 1; rethrows anything else. */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
