/** `--name value` options of a benchmark, with defaults. */
export class BenchArgs {
  constructor(private readonly options: Record<string, string>) {}

  int(name: string, fallback: number): number {
    const value = this.options[name];
    if (value === undefined) return fallback;
    const n = Number(value.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
    return n;
  }

  string(name: string, fallback: string): string {
    return this.options[name] ?? fallback;
  }
}
