/** How BullMQ repeats a job: a cron pattern in a time zone, or a fixed interval. */
export type Repeat = { pattern: string; tz: string } | { every: number };

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * A schedule as configured (`0 3 * * *`, `5m`, `1h`, `off`) → BullMQ's repeat options, or null
 * for `off`. Cron patterns are read in the organisation's time zone.
 */
export function parseSchedule(value: string, timeZone: string): Repeat | null {
  const trimmed = value.trim();
  if (trimmed === 'off') return null;
  const interval = /^(\d+)(s|m|h)$/.exec(trimmed);
  if (interval) {
    const every = Number(interval[1]) * UNIT_MS[interval[2] as keyof typeof UNIT_MS];
    if (every < 1000) throw new Error(`schedule "${value}" is shorter than one second`);
    return { every };
  }
  return { pattern: trimmed, tz: timeZone };
}
