/**
 * The module map: every top-level folder of src/, its layer, and the modules it may import.
 * `.dependency-cruiser.cjs` turns it into rules that `npm run lint` (and CI) enforce, and
 * `test/unit/module-map.spec.ts` checks that docs/architecture.md draws this same map.
 *
 * The `imports` lists form a DAG: no two folders can import each other, however indirectly.
 */

/** Layers, bottom first. A module may import only from its own layer's lower modules or below. */
const LAYERS = ['platform', 'access', 'integrations', 'domain', 'flows', 'delivery'];

/**
 * Every folder of src/, its layer, and what it may import. Order within a layer matters: a
 * module imports only modules listed before it. The root files of src/ (main.ts, worker.ts,
 * cli.ts and the app, worker and CLI modules) are delivery: they wire everything together.
 */
const MODULE_MAP = [
  { name: 'common', layer: 'platform', imports: [] },
  { name: 'metrics', layer: 'platform', imports: ['common'] },
  { name: 'auth', layer: 'access', imports: ['common'] },
  { name: 'audit', layer: 'access', imports: ['common', 'auth'] },
  { name: 'stripe', layer: 'integrations', imports: ['common', 'metrics', 'auth', 'audit'] },
  { name: 'mail', layer: 'integrations', imports: ['common', 'metrics'] },
  { name: 'ledger', layer: 'domain', imports: ['common', 'stripe'] },
  { name: 'campaigns', layer: 'domain', imports: ['common', 'auth', 'ledger'] },
  { name: 'donors', layer: 'domain', imports: ['common'] },
  {
    name: 'donations',
    layer: 'domain',
    imports: ['common', 'metrics', 'auth', 'stripe', 'campaigns', 'donors'],
  },
  {
    name: 'donor-auth',
    layer: 'domain',
    imports: ['common', 'metrics', 'mail', 'donors', 'donations'],
  },
  {
    name: 'pledges',
    layer: 'domain',
    imports: [
      'common',
      'auth',
      'audit',
      'stripe',
      'campaigns',
      'donors',
      'donations',
      'donor-auth',
    ],
  },
  {
    name: 'receipts',
    layer: 'domain',
    imports: ['common', 'metrics', 'auth', 'audit', 'mail', 'donors', 'donations', 'donor-auth'],
  },
  { name: 'payouts', layer: 'domain', imports: ['common', 'auth', 'stripe'] },
  {
    name: 'reports',
    layer: 'domain',
    imports: ['common', 'auth', 'audit', 'ledger', 'campaigns', 'donations'],
  },
  {
    name: 'donor-privacy',
    layer: 'domain',
    imports: [
      'common',
      'auth',
      'audit',
      'stripe',
      'mail',
      'donors',
      'donations',
      'donor-auth',
      'pledges',
      'receipts',
    ],
  },
  {
    name: 'maintenance',
    layer: 'domain',
    imports: ['common', 'metrics', 'auth', 'stripe', 'ledger'],
  },
  { name: 'health', layer: 'domain', imports: ['common', 'maintenance'] },
  { name: 'operations', layer: 'domain', imports: ['common', 'metrics', 'auth', 'audit'] },
  { name: 'web-pages', layer: 'domain', imports: ['common'] },
  {
    name: 'flows',
    layer: 'flows',
    imports: [
      'common',
      'metrics',
      'auth',
      'audit',
      'stripe',
      'mail',
      'ledger',
      'campaigns',
      'donors',
      'donations',
      'pledges',
      'receipts',
      'payouts',
    ],
  },
];

module.exports = { LAYERS, MODULE_MAP };
