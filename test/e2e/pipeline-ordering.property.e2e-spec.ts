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
});
