import fc from 'fast-check';
import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, progress, settled } from '../support/flows';

/** What happens to one payment at Stripe, and what the campaign should keep of it. */
type Fate =
  | { kind: 'paid' }
  | { kind: 'refunded'; refunds: number[] }
  | { kind: 'disputed'; outcome: 'won' | 'lost' };

const payment = fc.record({
  amount: fc.integer({ min: 100, max: 50_000 }),
  fate: fc.oneof(
    fc.constant<Fate>({ kind: 'paid' }),
    fc.record({
      kind: fc.constant('refunded' as const),
      refunds: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 2 }),
    }),
    fc.record({
      kind: fc.constant('disputed' as const),
      outcome: fc.constantFrom('won' as const, 'lost' as const),
    }),
  ),
});

/** The model: what a payment adds to the campaign, whatever order its events arrive in. */
function kept(amount: number, fate: Fate): number {
  if (fate.kind === 'refunded')
    return amount - fate.refunds.reduce((sum, pct) => sum + Math.floor((amount * pct) / 100), 0);
  if (fate.kind === 'disputed' && fate.outcome === 'lost') return 0;
  return amount;
}

describe('property: any interleaving and duplication of several payments’ events gives the model’s totals', () => {
  let app: TestApp;
  let adminKey: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
  });
  afterAll(() => app?.close());

  it('holds for random payments, fates, orders and duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(payment, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
        async (payments, draws) => {
          const { slug } = await createCampaign(app, adminKey);
          await app.standIn.pauseDeliveries();
          const intents: string[] = [];
          for (const p of payments) {
            const d = await donate(app, slug, { amount: p.amount });
            intents.push(d.paymentIntentId);
            const paid = await app.standIn.succeedPaymentIntent(d.paymentIntentId);
            const charge = paid.latest_charge as string;
            if (p.fate.kind === 'refunded') {
              for (const pct of p.fate.refunds) {
                const amount = Math.floor((p.amount * pct) / 100);
                if (amount > 0) await app.standIn.refundCharge(charge, { amount });
              }
            }
            if (p.fate.kind === 'disputed') {
              const dispute = await app.standIn.disputeCharge(charge);
              await app.standIn.closeDispute(dispute.id, { outcome: p.fate.outcome });
            }
          }
          const ours = (await app.standIn.events())
            .filter((e) => intents.some((pi) => JSON.stringify(e).includes(pi)))
            .map((e) => e.id);
          // Every event at least once, some twice, in a random order (drawn by fast-check).
          const sequence = [...ours, ...ours.filter((_, i) => draws[i] % 3 === 0)];
          for (let i = sequence.length - 1; i > 0; i--) {
            const j = draws[ours.length + (i % (ours.length * 2))] % (i + 1);
            [sequence[i], sequence[j]] = [sequence[j], sequence[i]];
          }
          await app.standIn.redeliverEvents(sequence);
          await app.standIn.resumeDeliveries();
          await settled(app);

          const expected = payments.reduce((sum, p) => sum + kept(p.amount, p.fate), 0);
          const actual = await progress(app, slug);
          expect(actual.raised).toBe(expected);
          expect(actual.donationCount).toBe(payments.length);
          const { rows } = await app.db.query(
            `SELECT count(*)::int AS n FROM ledger_entries WHERE kind = 'charge' AND stripe_payment_intent_id = ANY($1)`,
            [intents],
          );
          expect(rows[0].n).toBe(payments.length);
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);

  it('holds when Stripe’s changes interleave with concurrent, out-of-order and repeated deliveries', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await fc.assert(
      fc.asyncProperty(
        fc.array(payment, { minLength: 1, maxLength: 3 }),
        fc.record({
          concurrency: fc.integer({ min: 1, max: 6 }),
          jitterMs: fc.integer({ min: 0, max: 60 }),
          seed: fc.nat(),
          refundsPending: fc.boolean(),
        }),
        fc.array(fc.nat(), { minLength: 100, maxLength: 100 }),
        async (payments, delivery, draws) => {
          await app.standIn.resumeDeliveries();
          await app.standIn.configure({
            delivery_concurrency: delivery.concurrency,
            delivery_shuffle: true,
            delivery_jitter_ms: delivery.jitterMs,
            delivery_seed: delivery.seed,
            refunds_pending: delivery.refundsPending,
          });
          const { slug } = await createCampaign(app, adminKey);
          const intents: string[] = [];
          let refundsMade = 0;
          // Each payment's Stripe changes, in the order Stripe allows them.
          const plans: (() => Promise<unknown>)[][] = [];
          for (const p of payments) {
            const d = await donate(app, slug, { amount: p.amount });
            intents.push(d.paymentIntentId);
            let charge = '';
            const steps: (() => Promise<unknown>)[] = [
              async () => {
                const paid = await app.standIn.succeedPaymentIntent(d.paymentIntentId);
                charge = paid.latest_charge as string;
              },
            ];
            if (p.fate.kind === 'refunded') {
              for (const pct of p.fate.refunds) {
                const amount = Math.floor((p.amount * pct) / 100);
                if (amount === 0) continue;
                refundsMade += 1;
                let refund = '';
                steps.push(async () => {
                  refund = (await app.standIn.refundCharge(charge, { amount })).id;
                });
                if (delivery.refundsPending) steps.push(() => app.standIn.succeedRefund(refund));
              }
            }
            if (p.fate.kind === 'disputed') {
              const outcome = p.fate.outcome;
              let dispute = '';
              steps.push(async () => {
                dispute = (await app.standIn.disputeCharge(charge)).id;
              });
              steps.push(() => app.standIn.closeDispute(dispute, { outcome }));
            }
            plans.push(steps);
          }

          // Payments' changes interleaved, deliveries running (and repeated) in between.
          const repeats: Promise<unknown>[] = [];
          let draw = 0;
          const next = () => draws[draw++ % draws.length];
          while (plans.some((steps) => steps.length > 0)) {
            const open = plans.filter((steps) => steps.length > 0);
            await open[next() % open.length].shift()?.();
            const between = next() % 4;
            if (between === 1) await sleep(next() % 40);
            if (between === 2) {
              const ours = (await app.standIn.events()).filter((e) =>
                intents.some((pi) => JSON.stringify(e.event.data.object).includes(pi)),
              );
              if (ours.length > 0)
                repeats.push(app.standIn.redeliverEvent(ours[next() % ours.length].id));
            }
            if (between === 3) {
              await app.standIn.pauseDeliveries();
              await sleep(next() % 20);
              await app.standIn.resumeDeliveries();
            }
          }
          await Promise.all(repeats);
          await settled(app);

          const expected = payments.reduce((sum, p) => sum + kept(p.amount, p.fate), 0);
          const actual = await progress(app, slug);
          expect(actual.raised).toBe(expected);
          expect(actual.donationCount).toBe(payments.length);
          const { rows } = await app.db.query(
            `SELECT kind, count(*)::int AS n FROM ledger_entries
              WHERE kind IN ('charge', 'refund') AND stripe_payment_intent_id = ANY($1) GROUP BY kind`,
            [intents],
          );
          const entries = Object.fromEntries(rows.map((r) => [r.kind, r.n]));
          expect(entries.charge).toBe(payments.length);
          expect(entries.refund ?? 0).toBe(refundsMade);
          const unfinished = await app.db.query(
            `SELECT count(*)::int AS n FROM stripe_events WHERE status NOT IN ('processed', 'ignored')`,
          );
          expect(unfinished.rows[0].n).toBe(0);
        },
      ),
      { numRuns: 12 },
    );
    await app.standIn.configure({
      delivery_concurrency: 1,
      delivery_shuffle: false,
      delivery_jitter_ms: 0,
      refunds_pending: false,
    });
  }, 120_000);
});
