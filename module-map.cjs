/**
 * The module map: every top-level folder of src/, its layer, the tables it owns, what it
 * offers, and the modules it may import.
 *
 * - `.dependency-cruiser.cjs` turns `imports` into rules that `npm run lint` (and CI) enforce.
 * - docs/architecture.md shows this map; its module section and diagram are written from here
 *   by `npm run docs:module-map`, and `src/module-map.spec.ts` fails when they differ, when a
 *   folder is missing from the map, or when a module's entities are not the tables listed.
 *
 * The `imports` lists form a DAG (a module lists only modules above it in this file), so no
 * two folders can import each other, however indirectly.
 */

/** Layers, bottom first: each imports only from the layers below it (and its own, in order). */
const LAYERS = [
  { name: 'platform', what: 'config, database, queue, outbox, errors, logging, money, metrics' },
  { name: 'access', what: 'staff keys and roles, the audit log' },
  { name: 'integrations', what: 'Stripe (the gateway, the event inbox) and mail (the outbox)' },
  { name: 'domain', what: 'the modules that own the data, in an acyclic order' },
  { name: 'flows', what: 'work that spans domain modules: Stripe events, offline gifts, privacy' },
  { name: 'delivery', what: 'main.ts, worker.ts, cli.ts and their root modules' },
];

const MODULE_MAP = [
  {
    name: 'common',
    layer: 'platform',
    owns: ['idempotency_keys', 'job_failures'],
    offers:
      'the validated `Environment`; the database (entities load from the modules that own ' +
      'them) and migrations, advisory locks, Idempotency-Key claims; the job catalogue, job ' +
      'runner, queue service, job failures (`JobFailuresService`) and the outbox life cycle; ' +
      '`DomainError`, the error codes (`ERROR_CODES`, `FIELD_ERROR_CODES`) and the exception ' +
      'filter, `describeError`; the OpenAPI error schema and `@ApiErrors`; logging with redaction; ' +
      'money; rate and abuse limits; opaque cursors; formula-safe CSV; PDFs in every script (embedded Noto fonts, ' +
      'right-to-left text shaped and ordered).',
    imports: [],
  },
  {
    name: 'metrics',
    layer: 'platform',
    owns: [],
    offers:
      'Prometheus metrics for every process (`MetricsService`), the HTTP metrics middleware, ' +
      "the API's /metrics route and the worker's /metrics server. Modules that know a " +
      "label's values start its series at 0 themselves.",
    imports: ['common'],
  },
  {
    name: 'auth',
    layer: 'access',
    owns: ['api_keys'],
    offers: 'staff keys, the `StaffOnly` guard and roles.',
    imports: ['common'],
  },
  {
    name: 'audit',
    layer: 'access',
    owns: ['audit_log'],
    offers:
      '`AuditService` (the log, for the API, the queue dashboard and CLI commands), and the ' +
      'audit interceptor for staff writes and audited reads.',
    imports: ['common', 'auth'],
  },
  {
    name: 'stripe',
    layer: 'integrations',
    owns: ['stripe_events'],
    offers:
      '`StripeGateway`, the one way to Stripe, with a method per intent ' +
      '(`retrievePaymentState`, `createPaymentIntent`, `refund`, …) and idempotency keys from ' +
      'our ids; the webhook route (answered before Express) and the event inbox: verified, ' +
      'stored once scrubbed of personal data, processed once; the event types we act on.',
    imports: ['common', 'metrics', 'auth', 'audit'],
  },
  {
    name: 'mail',
    layer: 'integrations',
    owns: ['outbound_emails'],
    offers: 'the email outbox (`MailService.add` in the caller’s transaction), sender, templates.',
    imports: ['common', 'metrics'],
  },
  {
    name: 'ledger',
    layer: 'domain',
    owns: [
      'ledger_entries',
      'campaign_progress',
      'campaign_currency_totals',
      'campaign_donors',
      'campaign_donor_gifts',
      'donor_first_gifts',
      'ledger_hourly',
      'ledger_unfolded',
    ],
    offers:
      '`LedgerService`: appending entries (a payment’s from its Stripe state, offline ones) ' +
      'in the caller’s transaction, noted as pending; the worker’s folder, which moves pending ' +
      'entries into the campaign totals and report rollups in batches; progress reads (folded ' +
      'plus pending, so current at commit); reconcile.',
    imports: ['common', 'stripe'],
  },
  {
    name: 'campaigns',
    layer: 'domain',
    owns: ['campaigns'],
    offers:
      'campaign rules (currencies, limits, suggested amounts, status), goals (the goal then stretch goals: the next goal, whether the final one is reached) and the public view with progress and the next goal, ' +
      'supporters (private by default, days not times, sealed cursors) and active actions (read ' +
      'from the actions tables, whose module imports this one).',
    imports: ['common', 'auth', 'ledger'],
  },
  {
    name: 'donors',
    layer: 'domain',
    owns: ['donors'],
    offers:
      'find-or-create by email (a gift never rewrites a donor: each gift keeps its own name ' +
      'and address), the current address, the receipt name and address a donor or staff set, a ' +
      'confirmed change of email, the receipt choice.',
    imports: ['common'],
  },
  {
    name: 'donations',
    layer: 'domain',
    owns: ['donations', 'staff_refunds'],
    offers:
      'one-off gifts (one PaymentIntent per gift however late the retry); what a payment’s ' +
      'Stripe state means for its donation (`PaymentRecordsService`); offline donations; staff ' +
      'refunds reserved under a per-donation lock.',
    imports: ['common', 'auth', 'stripe', 'campaigns', 'donors'],
  },
  {
    name: 'donor-auth',
    layer: 'domain',
    owns: ['donor_sessions', 'donor_sign_in_tokens', 'donor_email_changes'],
    offers:
      'sign-in by emailed link (only to donors who gave or confirmed a signature), sessions, the `DonorOnly` guard and ' +
      'donor history; a signed-in donor’s email change, confirmed by a link to the new address.',
    imports: ['common', 'mail', 'donors', 'donations'],
  },
  {
    name: 'actions',
    layer: 'domain',
    owns: [
      'actions',
      'action_letters',
      'signatures',
      'signature_tokens',
      'action_deliveries',
      'action_delivery_signatures',
    ],
    offers:
      'campaign actions: letters (versioned, frozen once signed) to a named target that ' +
      'supporters sign; signatures confirmed by an emailed single-use link (the email kept only ' +
      'while pending, then the donors row), public signers (private by default, days not ' +
      'times), withdrawal from the donor portal, deliveries of signatures to the target.',
    imports: ['common', 'metrics', 'auth', 'audit', 'mail', 'campaigns', 'donors', 'donor-auth'],
  },
  {
    name: 'pledges',
    layer: 'domain',
    owns: ['pledges', 'pledge_moves', 'pledge_closures'],
    offers:
      'recurring gifts (a Subscription and Customer of their own per pledge), subscription ' +
      'sync, installments counted (each under the campaign it was billed for), donor and staff ' +
      'pledge actions, moving a pledge to another campaign, and what each running pledge does ' +
      'when its campaign closes (reads `campaigns` for closed ones).',
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
    owns: ['receipts', 'receipt_counters', 'statements'],
    offers:
      'receipt numbers and PDFs, receipts that follow what a donation is worth, year-end ' +
      'statements, the receipt outbox, receipt preferences.',
    imports: ['common', 'metrics', 'auth', 'audit', 'mail', 'donors', 'donations', 'donor-auth'],
  },
  {
    name: 'payouts',
    layer: 'domain',
    owns: ['payouts'],
    offers: 'payouts as Stripe reports them, matched to ledger entries for finance.',
    imports: ['common', 'auth', 'stripe'],
  },
  {
    name: 'reports',
    layer: 'domain',
    owns: [],
    offers:
      'the campaign report, time series and donations export (audited reads), with signature ' +
      'counts per campaign and action. A read model: it queries the ledger’s rollups, gift ' +
      'columns and the actions module’s `actions` and `signatures`, and writes nothing.',
    imports: ['common', 'auth', 'audit', 'ledger', 'campaigns', 'donations'],
  },
  {
    name: 'maintenance',
    layer: 'domain',
    owns: ['maintenance_runs'],
    offers:
      'scheduled self-repair (Stripe event sync, reconcile, retry of stuck outbox rows, ' +
      'deletion of signatures never confirmed) and backlog readings (`BacklogService`).',
    imports: ['common', 'metrics', 'auth', 'stripe', 'ledger', 'actions'],
  },
  {
    name: 'health',
    layer: 'domain',
    owns: [],
    offers: 'liveness and readiness (the oldest unprocessed event and outbox row).',
    imports: ['common', 'maintenance'],
  },
  {
    name: 'operations',
    layer: 'domain',
    owns: [],
    offers: 'Bull Board for staff, and the job failures list.',
    imports: ['common', 'metrics', 'auth', 'audit'],
  },
  {
    name: 'web-pages',
    layer: 'domain',
    owns: [],
    offers:
      'the built pages from `web/dist` (dashboard, donor portal, progress widget, the ' +
      'donation form at `/donate/<slug>` and its loader `/widget/donate.js`, the sign form at ' +
      '`/act/<slug>/<action>` with its loader `/widget/act.js` and the confirmation page ' +
      '`/act/confirm`) and `GET /v1/config`.',
    imports: ['common'],
  },
  {
    name: 'flows',
    layer: 'flows',
    owns: [],
    offers:
      'Stripe event handling, one handler per family (payments, billing, Checkout, payouts) ' +
      'behind the inbox’s processor; gifts and pledges paid on Stripe Checkout (a pending ' +
      'donation or an incomplete pledge, then its session); recording and voiding offline ' +
      'gifts (donation, ledger, receipt); a gift’s status, and a pledge’s (its first ' +
      'payment’s), for the thank-you page that started it (donation, pledge and receipt); ' +
      'closing a campaign with its pledges (the campaign, each pledge’s closure, one email per ' +
      'donor, the endings at Stripe, and the check that closes campaigns whose endsAt came).',
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
  {
    name: 'donor-privacy',
    layer: 'flows',
    owns: [],
    offers:
      'export, correction and erasure of a donor, by staff and by the donor: it reads every ' +
      'table that holds their data (signatures through their owner), and erases through each ' +
      'owner’s service in one transaction; the donor’s profile (receipt name and address, ' +
      'which their pledges that can still bill take; the email, through donor-auth).',
    imports: [
      'common',
      'auth',
      'audit',
      'stripe',
      'mail',
      'donors',
      'donations',
      'donor-auth',
      'actions',
      'pledges',
      'receipts',
    ],
  },
];

/** Each module's imports with what another import already reaches left out: the diagram's arrows. */
function directEdges() {
  const byName = new Map(MODULE_MAP.map((m) => [m.name, m]));
  const reach = (from, seen = new Set()) => {
    for (const next of byName.get(from).imports) {
      if (!seen.has(next)) {
        seen.add(next);
        reach(next, seen);
      }
    }
    return seen;
  };
  const edges = [];
  for (const m of MODULE_MAP) {
    for (const to of m.imports) {
      const viaOther = m.imports.some((other) => other !== to && reach(other).has(to));
      if (!viaOther) edges.push([m.name, to]);
    }
  }
  return edges;
}

/** The generated part of docs/architecture.md: the diagram and a paragraph per module. */
function renderDocs() {
  const id = (name) => name.replace(/-/g, '_');
  const lines = ['```mermaid', 'flowchart TD'];
  for (const layer of LAYERS.filter((l) => l.name !== 'delivery')) {
    lines.push(`  subgraph layer_${layer.name}["${layer.name}"]`);
    for (const m of MODULE_MAP.filter((x) => x.layer === layer.name)) {
      lines.push(`    ${id(m.name)}["${m.name}"]`);
    }
    lines.push('  end');
  }
  for (const [from, to] of directEdges()) lines.push(`  ${id(from)} --> ${id(to)}`);
  lines.push('```', '');
  for (const m of MODULE_MAP) {
    lines.push(`- **${m.name}** (${m.layer})`);
    lines.push(
      `  - Owns: ${m.owns.length ? m.owns.map((t) => `\`${t}\``).join(', ') : 'no table'}.`,
    );
    lines.push(`  - Offers: ${m.offers}`);
    lines.push(`  - May import: ${m.imports.length ? m.imports.join(', ') : 'no module of ours'}.`);
  }
  return lines.join('\n');
}

module.exports = { LAYERS, MODULE_MAP, directEdges, renderDocs };
