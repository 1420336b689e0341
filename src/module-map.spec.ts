import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface ModuleEntry {
  name: string;
  layer: string;
  owns: string[];
  imports: string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const map = require('../module-map.cjs') as {
  MODULE_MAP: ModuleEntry[];
  renderDocs: () => string;
};

const ROOT = join(__dirname, '..');
const SRC = join(ROOT, 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('the module map', () => {
  it('places every folder of src/ in a layer', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(map.MODULE_MAP.map((m) => m.name).sort()).toEqual(folders);
  });

  it('gives every table one owner: the module whose entity maps it', () => {
    for (const m of map.MODULE_MAP) {
      const tables = filesUnder(join(SRC, m.name))
        .filter((file) => file.endsWith('.entity.ts'))
        .flatMap((file) =>
          [...readFileSync(file, 'utf8').matchAll(/@Entity\('([a-z_]+)'\)/g)].map((x) => x[1]),
        );
      expect({ module: m.name, owns: tables.sort() }).toEqual({
        module: m.name,
        owns: [...m.owns].sort(),
      });
    }
  });

  it('lists only modules above it, so the imports cannot form a loop', () => {
    const seen = new Set<string>();
    for (const m of map.MODULE_MAP) {
      expect({ module: m.name, later: m.imports.filter((i) => !seen.has(i)) }).toEqual({
        module: m.name,
        later: [],
      });
      seen.add(m.name);
    }
  });

  it('is what docs/architecture.md shows (npm run docs:module-map writes it)', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const shown = doc
      .split('<!-- module-map:start -->\n')[1]
      ?.split('\n<!-- module-map:end -->')[0];
    expect(shown).toBe(map.renderDocs());
  });

  it('fails the lint on a back-edge, naming the rule', () => {
    // A copy of two modules, where the platform imports a domain module.
    const dir = mkdtempSync(join(tmpdir(), 'module-map-'));
    try {
      mkdirSync(join(dir, 'src', 'common'), { recursive: true });
      mkdirSync(join(dir, 'src', 'donations'), { recursive: true });
      writeFileSync(join(dir, 'src', 'donations', 'gift.ts'), 'export const gift = 1;\n');
      writeFileSync(
        join(dir, 'src', 'common', 'back-edge.ts'),
        "import { gift } from '../donations/gift';\nexport const edge = gift;\n",
      );
      const run = spawnSync(
        join(ROOT, 'node_modules', '.bin', 'depcruise'),
        ['src', '--config', join(ROOT, '.dependency-cruiser.cjs')],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(run.status).not.toBe(0);
      expect(run.stdout).toContain(
        'module-map: common: src/common/back-edge.ts → src/donations/gift.ts',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
