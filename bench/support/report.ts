/** Printing figures, and reading a process's memory from /proc. */
import { readFileSync } from 'node:fs';

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | number | undefined) =>
    v === undefined ? '' : typeof v === 'number' ? formatNumber(v) : v;
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
  const out = [
    '',
    `## ${title}`,
    '',
    line(columns),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function note(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** VmRSS and VmHWM (peak RSS) of a process, in MB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Samples a process's RSS every `everyMs` until stopped. */
export function sampleMemory(pid: number, everyMs = 100) {
  const samples: { at: number; rssMb: number }[] = [];
  const t0 = Date.now();
  const take = () => {
    try {
      samples.push({ at: Date.now() - t0, rssMb: memoryOf(pid).rssMb });
    } catch {
      // the process is gone
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return {
        samples,
        maxMb: Math.max(...samples.map((s) => s.rssMb)),
        peakMb: (() => {
          try {
            return memoryOf(pid).peakMb;
          } catch {
            return NaN;
          }
        })(),
      };
    },
  };
}
