/**
 * The module map (module-map.cjs), enforced: `npm run lint` (and so CI) runs dependency-cruiser
 * with these rules over src/. Each top-level folder of src/ may import only the modules its
 * entry lists; a violation names the rule (`module-map: <folder>`) and says what is allowed.
 */

const { MODULE_MAP } = require('./module-map.cjs');

const escapeRegExp = (name) => name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const folders = MODULE_MAP.map((m) => m.name);

/** One rule per module: what it must not import (every other module it does not list). */
const moduleRules = MODULE_MAP.map((m) => {
  const forbidden = folders.filter((f) => f !== m.name && !m.imports.includes(f));
  return {
    name: `module-map: ${m.name}`,
    comment:
      `src/${m.name}/ (${m.layer}) may import only ` +
      `${m.imports.length ? m.imports.join(', ') : 'no module of ours'}: ` +
      'see docs/architecture.md. Move the code to the layer that may see both sides, or ' +
      'call the other way round.',
    severity: 'error',
    // Specs may assemble what the running processes assemble from several modules.
    from: { path: `^src/${escapeRegExp(m.name)}/`, pathNot: '\\.spec\\.ts$' },
    to: { path: `^src/(${forbidden.map(escapeRegExp).join('|')})/` },
  };
}).filter((rule) => !rule.to.path.endsWith('()/'));

module.exports = {
  forbidden: [
    {
      name: 'module-map: unknown folder',
      comment:
        'Every top-level folder of src/ must be on the module map (.dependency-cruiser.cjs ' +
        'and docs/architecture.md): place a new module in a layer before importing it.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: `^src/[^/]+/`, pathNot: `^src/(${folders.map(escapeRegExp).join('|')})/` },
    },
    ...moduleRules,
    {
      name: 'delivery only at the root',
      comment:
        'The root files of src/ (main, worker, cli and their modules) wire the processes: ' +
        'no module imports them.',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    {
      name: 'repositories are private',
      comment:
        "A table is written only by its owner's repository, and other modules call the " +
        "owner's service: import a repository only from inside its own module.",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '\\.repository\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'repositories are private (root)',
      comment: "The processes' wiring calls services, never a repository.",
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'Files that import each other (even through others) cannot be read one at a time.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-spec',
      comment: 'Code never imports a test.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '\\.spec\\.ts$' },
    },
  ],
  options: {
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.build.json') },
    doNotFollow: { path: 'node_modules' },
  },
};
