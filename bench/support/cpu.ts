/**
 * Where a benchmark's CPU went, from /proc: each server process, Postgres (every postgres
 * process, with the backends that exited counted through the postmaster's children's time),
 * and this process. And what Postgres's backends were doing, sampled from pg_stat_activity.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';

const TICKS_PER_SECOND = (() => {
  const answer = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(answer.stdout.trim()) || 100;
})();

/** utime, stime, cutime and cstime of a process, in ms; 0 once it is gone. */
function cpuMsOf(pid: number, withChildren: boolean): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the command (which may hold spaces), from field 3 on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  const ticks = utime + stime + (withChildren ? cutime + cstime : 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Every postgres process's CPU, and the reaped backends' through their parent's. */
function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === 'postgres') total += cpuMsOf(Number(entry), true);
  }
  return total;
}

export interface CpuMeter {
  /** CPU ms spent since the meter started, per part. */
  read(): Record<string, number>;
}

/**
 * Starts counting CPU for the named processes, all of Postgres, and this process (the
 * benchmark's own work: the Stripe stand-in, the mail catcher, the delivery loops).
 */
export function startCpuMeter(processes: Record<string, number[]>, self: string): CpuMeter {
  const sample = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [name, pids] of Object.entries(processes)) {
      out[name] = pids.reduce((sum, pid) => sum + cpuMsOf(pid, false), 0);
    }
    out.postgres = postgresCpuMs();
    const own = process.cpuUsage();
    out[self] = (own.user + own.system) / 1000;
    return out;
  };
  const start = sample();
  return {
    read: () => {
      const now = sample();
      return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (start[k] ?? 0)]));
    },
  };
}

export interface ActivitySummary {
  samples: number;
  /** Mean backends of the database running a query, and idle inside a transaction. */
  meanActive: number;
  meanIdleInTransaction: number;
  /** The most frequent waits of active backends (`Lock:transactionid`, `IO:WALSync`, …). */
  topWaits: { wait: string; meanBackends: number }[];
}

/** Samples pg_stat_activity of one database every `everyMs` until stopped. */
export function sampleActivity(
  databaseUrl: string,
  everyMs = 250,
): { stop(): Promise<ActivitySummary> } {
  const client = new Client({ connectionString: databaseUrl });
  const connected = client.connect();
  let samples = 0;
  let active = 0;
  let idleInTransaction = 0;
  const waits = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    await connected;
    while (!stopped) {
      const { rows } = await client.query(
        `SELECT state, wait_event_type, wait_event FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      samples += 1;
      for (const r of rows) {
        if (r.state === 'active') {
          active += 1;
          if (r.wait_event_type) {
            const key = `${r.wait_event_type}:${r.wait_event}`;
            waits.set(key, (waits.get(key) ?? 0) + 1);
          }
        } else if (r.state?.startsWith('idle in transaction')) idleInTransaction += 1;
      }
      await new Promise((done) => setTimeout(done, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await client.end();
      const per = (n: number) => (samples ? n / samples : 0);
      return {
        samples,
        meanActive: per(active),
        meanIdleInTransaction: per(idleInTransaction),
        topWaits: [...waits.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([wait, n]) => ({ wait, meanBackends: per(n) })),
      };
    },
  };
}
