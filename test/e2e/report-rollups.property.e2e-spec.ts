import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LedgerRepository } from '../../src/ledger/ledger.repository';
import { createCampaign } from '../support/flows';
import { startTestApp, TestApp } from '../support/harness';

/**
 * The campaign report reads sums from hourly rollups and counts donors from a chain of each
 * donor's charges, both kept as entries are appended. Whatever order charges arrive in (late
 * ones before earlier ones, several at once, ties to the minute), the report over any period
 * must equal what the charges themselves say. Kolkata (UTC+5:30) puts every local midnight in
 * the middle of a UTC hour, so period edges are read from the ledger, not the rollup.
 */
const TIME_ZONE = 'Asia/Kolkata';
const OFFSET_MINUTES = 330;
const DAYS = 20;
const SLOT_MINUTES = 90; // 16 slots a day, one of them at 18:00 UTC: the hour local midnight splits.
const START = Date.UTC(2025, 0, 1);

const charge = fc.record({
  donor: fc.nat({ max: 4 }),
  campaign: fc.nat({ max: 1 }),
  slot: fc.nat({ max: (DAYS * 24 * 60) / SLOT_MINUTES - 1 }),
  amount: fc.integer({ min: 100, max: 90_000 }),
  installment: fc.boolean(),
});
type Charge = typeof charge extends fc.Arbitrary<infer T> ? T : never;

const localDay = (slot: number) => Math.floor((slot * SLOT_MINUTES + OFFSET_MINUTES) / 1440);
const isoDay = (day: number) => new Date(START + day * 86_400_000).toISOString().slice(0, 10);

describe('property: report sums and donor counts from the rollups equal the charges, any arrival order', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;
  let ledger: LedgerRepository;
  let dataSource: DataSource;

  beforeAll(async () => {
    app = await startTestApp({ env: { ORGANIZATION_TIMEZONE: TIME_ZONE } });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    ledger = app.api.get(LedgerRepository);
    dataSource = app.api.get(DataSource);
  });
  afterAll(() => app?.close());

  /** One charge as payment sync leaves it: a donation, then its ledger entry appended. */
  async function record(c: Charge, campaignIds: string[], donorIds: string[]): Promise<void> {
    const id = randomBytes(6).toString('hex');
    const at = new Date(START + c.slot * SLOT_MINUTES * 60_000);
    const { rows } = await app.db.query(
      `INSERT INTO donations (campaign_id, donor_id, kind, status, amount, currency, intended_amount,
              stripe_payment_intent_id, stripe_charge_id, received_amount, received_currency, fee_amount,
              settled_amount, settled_currency, succeeded_at, method)
       VALUES ($1, $2, $3, 'succeeded', $4, 'usd', $4, $5, $6, $4, 'usd', 0, $4, 'usd', $7, 'card')
       RETURNING id`,
      [
        campaignIds[c.campaign],
        donorIds[c.donor],
        c.installment ? 'installment' : 'one_off',
        c.amount,
        `pi_${id}`,
        `ch_${id}`,
        at,
      ],
    );
    await dataSource.transaction((em) =>
      ledger.append(
        em,
        { donationId: rows[0].id, campaignId: campaignIds[c.campaign], donorId: donorIds[c.donor] },
        [
          {
            dedupeKey: `charge:ch_${id}`,
            kind: 'charge',
            amount: c.amount,
            currency: 'usd',
            settledAmount: c.amount,
            settledCurrency: 'usd',
            stripeChargeId: `ch_${id}`,
            occurredAt: at,
          },
        ],
      ),
    );
  }

  /** Each charge's previous one, kept entry by entry and as the ledger says it should be. */
  const chains = async () => {
    const kept = await app.db.query(
      `SELECT entry_id::text, prev_at FROM campaign_donor_gifts g ORDER BY g.entry_id`,
    );
    const truth = await app.db.query(
      `SELECT e.id::text AS entry_id,
              lag(e.occurred_at) OVER (PARTITION BY e.campaign_id, e.currency, d.donor_id
                                       ORDER BY e.occurred_at, e.id) AS prev_at
         FROM ledger_entries e JOIN donations d ON d.id = e.donation_id
        WHERE e.kind = 'charge' AND d.donor_id IS NOT NULL ORDER BY e.id`,
    );
    return { kept: kept.rows, truth: truth.rows };
  };

  it('holds for random charges, arrival orders, concurrency and periods', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(charge, { minLength: 1, maxLength: 14 }),
        fc.array(fc.nat(), { minLength: 14, maxLength: 14 }),
        fc.array(fc.tuple(fc.nat({ max: DAYS }), fc.nat({ max: DAYS })), {
          minLength: 3,
          maxLength: 3,
        }),
        async (charges, draws, periods) => {
          const campaigns = [
            await createCampaign(app, adminKey),
            await createCampaign(app, adminKey),
          ];
          const campaignIds: string[] = [];
          for (const { slug } of campaigns) {
            const { rows } = await app.db.query(`SELECT id FROM campaigns WHERE slug = $1`, [slug]);
            campaignIds.push(rows[0].id);
          }
          const donorIds: string[] = [];
          for (let d = 0; d < 5; d += 1) {
            const { rows } = await app.db.query(
              `INSERT INTO donors (email, name) VALUES ($1, 'Donor') RETURNING id`,
              [`d-${randomBytes(6).toString('hex')}@example.org`],
            );
            donorIds.push(rows[0].id);
          }
          // Arrival order: a shuffle, then three at a time concurrently.
          const order = charges.map((c, i) => ({ c, key: draws[i] }));
          order.sort((a, b) => a.key - b.key);
          for (let i = 0; i < order.length; i += 3) {
            await Promise.all(
              order.slice(i, i + 3).map(({ c }) => record(c, campaignIds, donorIds)),
            );
          }

          const firstDay = new Map<number, number>();
          for (const c of charges) {
            firstDay.set(c.donor, Math.min(firstDay.get(c.donor) ?? Infinity, localDay(c.slot)));
          }
          for (const [a, b] of periods) {
            const [from, to] = [Math.min(a, b), Math.max(a, b)];
            for (const [index, { slug }] of campaigns.entries()) {
              const inPeriod = charges.filter(
                (c) => c.campaign === index && localDay(c.slot) >= from && localDay(c.slot) <= to,
              );
              const donors = new Set(inPeriod.map((c) => c.donor));
              const res = await app.http
                .get('/v1/reports/campaigns')
                .query({ from: isoDay(from), to: isoDay(to), campaign: slug })
                .set('Authorization', `Bearer ${financeKey}`)
                .expect(200);
              const row = res.body.data.find((r: { currency: string }) => r.currency === 'usd');
              const sum = (cs: Charge[]) => cs.reduce((s, c) => s + c.amount, 0);
              expect(row).toMatchObject({
                gross: sum(inPeriod),
                net: sum(inPeriod),
                donationCount: inPeriod.length,
                distinctDonors: donors.size,
                newDonors: [...donors].filter((d) => firstDay.get(d)! >= from).length,
                oneOff: {
                  gross: sum(inPeriod.filter((c) => !c.installment)),
                  count: inPeriod.filter((c) => !c.installment).length,
                },
              });
            }
          }
          const { kept, truth } = await chains();
          expect(kept).toEqual(truth);
          expect(await ledger.reconcile(false)).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });
});
