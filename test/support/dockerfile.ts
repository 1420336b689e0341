import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, relative } from 'node:path';

/**
 * Builds docker/Dockerfile without a Docker engine: each stage's file system is a directory, the
 * COPY steps copy what Docker would copy (the build context filtered by .dockerignore, or another
 * stage's files), the RUN steps run as written in that directory (but for the `npm ci` steps the
 * caller replaces, see `BuildOptions.replaceRun`).
 *
 * It reads the subset of Dockerfile syntax our Dockerfile uses, and refuses anything else (so a
 * new instruction cannot slip past the check unnoticed):
 *   ARG NAME[=default]   (before the first FROM; `${NAME}` is substituted in FROM lines)
 *   FROM image|stage [AS name]
 *   WORKDIR /absolute/path
 *   COPY [--from=stage] source... destination   (no wildcards, no --chown/--chmod)
 *   RUN shell command       ENV NAME=value...      USER name
 *   EXPOSE port             CMD ["exec", "form"]
 * Comments, parser directives (`# syntax=`) and `\` line continuations are understood.
 */

export type Step =
  | { kind: 'workdir'; path: string }
  | { kind: 'copy'; from?: string; sources: string[]; dest: string }
  | { kind: 'run'; command: string }
  | { kind: 'env'; vars: Record<string, string> }
  | { kind: 'user'; user: string }
  | { kind: 'expose'; port: string }
  | { kind: 'cmd'; argv: string[] };

export interface Stage {
  name: string;
  /** The image (`node:20-bookworm-slim`) or, when it names an earlier stage, that stage. */
  from: string;
  baseStage?: string;
  steps: Step[];
}

/** Logical lines: continuations joined, comments and blank lines dropped. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    // Comment lines are dropped, also between the lines of a continued instruction.
    if (/^\s*#/.test(line)) continue;
    if (/\\\s*$/.test(line)) {
      current += line.replace(/\\\s*$/, ' ');
      continue;
    }
    current += line;
    if (current.trim()) lines.push(current.trim().replace(/\s+/g, ' '));
    current = '';
  }
  if (current.trim()) throw new Error('Dockerfile ends inside a line continuation');
  return lines;
}

/** `NAME=value NAME2="value 2"` (ENV's key=value form). */
function parseAssignments(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|(\S*))\s*/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`ENV: only NAME=value pairs are understood here: ${text}`);
    vars[m[1]] = m[3] ?? m[4];
    at = re.lastIndex;
  }
  return vars;
}

export function parseDockerfile(text: string): Stage[] {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  const substitute = (s: string) =>
    s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      if (!(name in args)) throw new Error(`Dockerfile: ARG ${name} has no default`);
      return args[name];
    });
  for (const line of logicalLines(text)) {
    const [, keyword, rest = ''] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = keyword.toUpperCase();
    const stage = stages[stages.length - 1];
    if (instruction === 'ARG' && !stage) {
      const [name, value] = rest.split('=', 2);
      if (value === undefined) throw new Error(`Dockerfile: ARG ${name} needs a default here`);
      args[name] = value;
      continue;
    }
    if (instruction === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!m) throw new Error(`Dockerfile: cannot read FROM ${rest}`);
      const from = substitute(m[1]);
      const base = stages.find((s) => s.name === from);
      stages.push({ name: m[2] ?? String(stages.length), from, baseStage: base?.name, steps: [] });
      continue;
    }
    if (!stage) throw new Error(`Dockerfile: ${instruction} before the first FROM`);
    switch (instruction) {
      case 'WORKDIR':
        if (!posix.isAbsolute(rest)) throw new Error(`Dockerfile: WORKDIR ${rest} is not absolute`);
        stage.steps.push({ kind: 'workdir', path: rest });
        break;
      case 'COPY': {
        const words = rest.split(' ');
        let from: string | undefined;
        while (words[0]?.startsWith('--')) {
          const flag = words.shift()!;
          const m = /^--from=(\S+)$/.exec(flag);
          if (!m) throw new Error(`Dockerfile: COPY ${flag} is not understood by this check`);
          from = m[1];
        }
        if (words.length < 2) throw new Error(`Dockerfile: COPY ${rest} needs a destination`);
        if (words.some((w) => /[*?[]/.test(w)))
          throw new Error(`Dockerfile: COPY ${rest}: wildcards are not understood by this check`);
        if (from && !stages.some((s) => s.name === from))
          throw new Error(`Dockerfile: COPY --from=${from}: no such earlier stage`);
        stage.steps.push({ kind: 'copy', from, sources: words.slice(0, -1), dest: words.at(-1)! });
        break;
      }
      case 'RUN':
        if (rest.startsWith('[')) throw new Error('Dockerfile: RUN in exec form is not understood');
        stage.steps.push({ kind: 'run', command: rest });
        break;
      case 'ENV':
        stage.steps.push({ kind: 'env', vars: parseAssignments(rest) });
        break;
      case 'USER':
        stage.steps.push({ kind: 'user', user: rest });
        break;
      case 'EXPOSE':
        stage.steps.push({ kind: 'expose', port: rest });
        break;
      case 'CMD': {
        const argv = JSON.parse(rest) as unknown;
        if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string'))
          throw new Error('Dockerfile: CMD must be in exec form (a JSON array of strings)');
        stage.steps.push({ kind: 'cmd', argv });
        break;
      }
      default:
        throw new Error(
          `Dockerfile: ${instruction} is not understood by test/support/dockerfile.ts: extend it`,
        );
    }
  }
  return stages;
}

/** .dockerignore: patterns in order, `!` re-includes, the last match wins, a match covers children. */
export function dockerIgnore(contextDir: string): (relativePath: string) => boolean {
  const file = join(contextDir, '.dockerignore');
  const rules = (existsSync(file) ? readFileSync(file, 'utf8') : '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      const source = pattern
        .split('')
        .map((c, i, all) => {
          if (c === '*') return all[i + 1] === '*' ? '' : all[i - 1] === '*' ? '.*' : '[^/]*';
          if (c === '?') return '[^/]';
          return c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      return { negate, re: new RegExp(`^${source}$`) };
    });
  return (relativePath) => {
    const parts = relativePath.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) if (prefixes.some((p) => rule.re.test(p))) ignored = !rule.negate;
    return ignored;
  };
}

export interface BuiltStage {
  name: string;
  /** The directory standing for the stage's `/`. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string;
  cmd?: string[];
  /** Container path → path on this machine. */
  path(containerPath: string): string;
}

export interface BuildOptions {
  contextDir: string;
  scratchDir: string;
  /**
   * RUN commands replaced by a function doing the same in the stage's working directory (the
   * `npm ci` steps: the network and minutes they take are not what this check is about).
   * Any RUN not listed here runs as written, with `sh -c`.
   */
  replaceRun: Record<string, (cwd: string) => void>;
}

/** Copies a tree (or its contents into `dest`), hard-linking files where it can: fast and faithful. */
function copyTree(src: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  const contents = statSync(src).isDirectory();
  if (contents) mkdirSync(dest, { recursive: true });
  const from = contents ? `${src}/.` : src;
  try {
    execFileSync('cp', ['-a', '--link', from, dest], { stdio: 'pipe' });
  } catch {
    execFileSync('cp', ['-a', from, dest], { stdio: 'pipe' });
  }
}

/** Builds every stage in order; returns them by name. */
export function buildStages(stages: Stage[], options: BuildOptions): Map<string, BuiltStage> {
  const ignored = dockerIgnore(options.contextDir);
  const built = new Map<string, BuiltStage>();
  for (const stage of stages) {
    const root = join(options.scratchDir, `stage-${stage.name}`);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true, mode: 0o755 });
    const base = stage.baseStage ? built.get(stage.baseStage)! : undefined;
    // A stage FROM an earlier stage starts with its files, working directory, env and user.
    if (base) copyTree(base.root, root);
    const state: BuiltStage = {
      name: stage.name,
      root,
      workdir: base?.workdir ?? '/',
      env: { ...base?.env },
      user: base?.user ?? 'root',
      cmd: base?.cmd,
      path: (p) => join(root, posix.resolve(state.workdir, p)),
    };
    for (const step of stage.steps) {
      switch (step.kind) {
        case 'workdir':
          state.workdir = step.path;
          mkdirSync(state.path('.'), { recursive: true });
          break;
        case 'env':
          Object.assign(state.env, step.vars);
          break;
        case 'user':
          state.user = step.user;
          break;
        case 'cmd':
          state.cmd = step.argv;
          break;
        case 'expose':
          break;
        case 'copy': {
          const intoDir = step.dest.endsWith('/') || step.sources.length > 1;
          for (const source of step.sources) {
            let src: string;
            if (step.from) {
              const other = built.get(step.from)!;
              src = isAbsolute(source) ? join(other.root, source) : other.path(source);
            } else {
              const rel = posix.normalize(source).replace(/^\/+/, '').replace(/\/$/, '');
              if (rel.startsWith('..')) throw new Error(`COPY ${source}: outside the context`);
              if (ignored(rel)) throw new Error(`COPY ${source}: excluded by .dockerignore`);
              src = join(options.contextDir, rel);
            }
            if (!existsSync(src))
              throw new Error(`COPY ${source} (stage ${stage.name}): not found`);
            const isDir = statSync(src).isDirectory();
            // A directory's contents go into the destination; a file goes into it when it is a
            // directory (trailing slash, several sources), or becomes it.
            const dest = isDir || !intoDir ? state.path(step.dest) : state.path(step.dest) + '/';
            if (step.from) {
              copyTree(src, isDir ? dest : dest.endsWith('/') ? join(dest, basename(src)) : dest);
            } else if (isDir) {
              cpSync(src, dest, {
                recursive: true,
                verbatimSymlinks: true,
                filter: (p) => !ignored(relative(options.contextDir, p)),
              });
            } else {
              const target = dest.endsWith('/') ? join(dest, basename(src)) : dest;
              mkdirSync(dirname(target), { recursive: true });
              cpSync(src, target);
            }
          }
          break;
        }
        case 'run': {
          const cwd = state.path('.');
          const replacement = options.replaceRun[step.command];
          if (replacement) {
            replacement(cwd);
            break;
          }
          try {
            execFileSync('sh', ['-c', step.command], {
              cwd,
              stdio: 'pipe',
              env: {
                PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
                HOME: process.env.HOME,
                ...state.env,
              },
            });
          } catch (error) {
            const e = error as { stdout?: Buffer; stderr?: Buffer };
            throw new Error(
              `RUN ${step.command} (stage ${stage.name}) failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
            );
          }
          break;
        }
      }
    }
    built.set(stage.name, state);
  }
  return built;
}

/**
 * What `npm ci --omit=dev` installs, taken from an installed tree: every package the lock file
 * does not mark `dev`, copied (hard links) from `installed` into `<cwd>/node_modules`. Nested
 * copies the lock marks `dev` are removed again.
 */
export function installProductionPackages(cwd: string, installed: string): void {
  const lock = JSON.parse(readFileSync(join(cwd, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  readFileSync(join(cwd, 'package.json')); // npm ci needs it too
  const entries = Object.entries(lock.packages).filter(([key]) => key.startsWith('node_modules/'));
  for (const [key, meta] of entries) {
    const name = key.slice('node_modules/'.length);
    if (meta.dev || name.includes('/node_modules/')) continue;
    const src = join(installed, name);
    // Optional packages for other platforms are in the lock file but not installed.
    if (existsSync(src)) copyTree(src, join(cwd, 'node_modules', name));
  }
  for (const [key, meta] of entries)
    if (meta.dev && key.slice(13).includes('/node_modules/'))
      rmSync(join(cwd, key), { recursive: true, force: true });
}

/** `npm ci` with every dependency: the checkout's installed tree (same lock file), linked. */
export function linkInstalledPackages(cwd: string, installed: string): void {
  readFileSync(join(cwd, 'package-lock.json'));
  symlinkSync(installed, join(cwd, 'node_modules'));
}

/** Every file under `dir` (relative paths), symlinks not followed. */
export function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? [rel + '/', ...listFiles(dir, rel)] : [rel];
  });
}
