import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness';

/** A PostgreSQL server of the test's own (the machine's binaries), to stop and restart it. */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const version = readdirSync('/usr/lib/postgresql').sort().pop();
    const bin = `/usr/lib/postgresql/${version}/bin`;
    const dir = mkdtempSync(join(tmpdir(), 'pledges-pg-'));
    chmodSync(dir, 0o777);
    const pg = new OwnPostgres(await freePort(), dir, bin);
    pg.asPostgres(`${bin}/initdb`, [
      '-D',
      `${dir}/data`,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    pg.restart();
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  restart(): void {
    this.asPostgres(`${this.bin}/pg_ctl`, [
      '-D',
      `${this.dir}/data`,
      '-l',
      `${this.dir}/log`,
      '-w',
      '-o',
      `-p ${this.port} -k ${this.dir} -c fsync=off`,
      'start',
    ]);
  }

  stop(): void {
    this.asPostgres(`${this.bin}/pg_ctl`, ['-D', `${this.dir}/data`, '-m', 'fast', '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** initdb and pg_ctl refuse to run as root. */
  private asPostgres(command: string, args: string[]): void {
    const asRoot = process.getuid?.() === 0;
    execFileSync(
      asRoot ? 'runuser' : command,
      asRoot ? ['-u', 'postgres', '--', command, ...args] : args,
      {
        stdio: 'ignore',
      },
    );
  }
}
