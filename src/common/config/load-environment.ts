import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { DEV_SETTINGS_FILE, readDevSettings } from './dev-settings';
import { ConfigError, Environment, validateEnvironment } from './environment';

/** Sets the variables that are not set yet (the environment always wins). */
function fillMissing(values: Record<string, string>): void {
  for (const [key, value] of Object.entries(values)) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
}

/**
 * Entry points call this first: reads `.env` when present (variables already set win),
 * validates, and on a bad variable prints one line naming it and exits non-zero.
 *
 * With `devSettings` (the operator CLI), outside production, the settings a running
 * `npm run dev` wrote to `.dev/env` fill whatever the environment and `.env` leave unset, so
 * that `npm run cli -- …` works beside dev with nothing to set; without them, a missing
 * variable's line says to start dev or set it.
 */
export function loadEnvironmentOrExit(opts: { devSettings?: boolean } = {}): Environment {
  if (existsSync('.env')) {
    fillMissing(parseEnv(readFileSync('.env', 'utf8')) as Record<string, string>);
  }
  const fromDev =
    opts.devSettings && process.env.NODE_ENV !== 'production' ? readDevSettings() : undefined;
  if (fromDev) fillMissing(fromDev);
  try {
    return validateEnvironment(process.env);
  } catch (error) {
    if (
      opts.devSettings &&
      process.env.NODE_ENV !== 'production' &&
      error instanceof ConfigError &&
      error.missing
    ) {
      exitOnConfigError(
        new ConfigError(
          fromDev
            ? `${error.message}; it is not among the settings \`npm run dev\` wrote to ` +
                `${DEV_SETTINGS_FILE} (a value you gave dev stays where you keep it): set ${error.variable}`
            : `${error.message}; start \`npm run dev\` in another terminal (the CLI then uses ` +
                `the settings it writes to ${DEV_SETTINGS_FILE}) or set ${error.variable}`,
        ),
      );
    }
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
