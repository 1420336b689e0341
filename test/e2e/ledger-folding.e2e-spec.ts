import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LedgerService } from '../../src/ledger/ledger.service';
import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, progress } from '../support/flows';
import { metricValue } from '../support/metrics';

/**
 * A payment's transaction appends its ledger entries and notes them as pending; the folder
 * moves pending entries into the campaign totals and the hourly rollup. No worker runs here:
 * the test folds by hand, so it can look at the totals before and after.
 */
describe('campaign totals: no row every payment shares, exact and current at commit', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;
  let ledger: LedgerService;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    app = await startTestApp();
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    ledger = app.api.get(LedgerService);
  });
  afterAll(() => app?.close());

  /** A cheque recorded by staff: a donation, its ledger entry and its receipt, in one transaction. */
  const cheque = async (slug: string, amount: number, email: string) => {
    const res = await app.http
      .post('/v1/admin/donations')
      .set('Authorization', `Bearer ${adminKey}`)
      .send({
        campaign: slug,
        amount,
        currency: 'usd',
        method: 'cheque',
        receivedOn: today,
        reference: `CHQ-${randomBytes(3).toString('hex')}`,
        donor: { email },
      });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const email = () => `donor-${randomBytes(4).toString('hex')}@example.org`;
  const campaignId = async (slug: string) =>
    (await app.db.query(`SELECT id FROM campaigns WHERE slug = $1`, [slug])).rows[0].id as string;
  const storedProgress = async (slug: string) =>
    (
      await app.db.query(
        `SELECT raised::int, donation_count, donor_count FROM campaign_progress p
           JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = $1`,
        [slug],
      )
    ).rows[0];
  const reportRow = async (slug: string) => {
    const res = await app.http
      .get('/v1/reports/campaigns')
      .query({ from: today, to: today })
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(200);
    const row = res.body.data.find(
      (r: { campaign: string; currency: string }) => r.campaign === slug && r.currency === 'usd',
    );
    return { gross: row.gross, donationCount: row.donationCount, percentOfGoal: row.percentOfGoal };
  };
  const foldAll = async () => {
    while ((await ledger.fold(1000)) > 0);
  };

  it('a gift commits while another gift of the same campaign is still inside its transaction', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const first = await cheque(slug, 1000, email());
    const id = await campaignId(slug);
    // A payment of the campaign, its entries appended, its transaction not yet committed.
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let appended!: () => void;
    const inside = new Promise<void>((resolve) => (appended = resolve));
    const open = app.api.get(DataSource).transaction(async (em) => {
      await ledger.append(em, { donationId: first.id, campaignId: id, donorId: null }, [
        {
          dedupeKey: `test-open:${randomBytes(4).toString('hex')}`,
          kind: 'charge',
          amount: 2500,
          currency: 'usd',
          settledAmount: 2500,
          settledCurrency: 'usd',
          occurredAt: new Date(),
        },
      ]);
      appended();
      await held;
    });
    await inside;

    // Another gift of the same campaign is recorded meanwhile: it does not wait for the first.
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      cheque(slug, 700, email()).then(() => 'recorded'),
      new Promise(
        (resolve) => (timer = setTimeout(() => resolve('still waiting after 5 s'), 5000)),
      ),
    ]).finally(() => clearTimeout(timer));
    expect(waited).toBe('recorded');
    expect((await progress(app, slug)).raised).toBe(1700);

    commit();
    await open;
    expect((await progress(app, slug)).raised).toBe(4200);
    await foldAll();
    expect(await storedProgress(slug)).toMatchObject({ raised: 4200, donation_count: 3 });
  });

  it('progress and reports count a gift the moment it commits; folding changes nothing they show', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const maryam = email();
    await cheque(slug, 5000, maryam);
    await cheque(slug, 2000, maryam);
    await cheque(slug, 300, email());

    // Not folded yet: the stored totals lag, what people read does not.
    expect((await ledger.unfolded()).count).toBeGreaterThanOrEqual(3);
    expect(await storedProgress(slug)).toMatchObject({ raised: 0, donation_count: 0 });
    const before = await progress(app, slug);
    expect(before).toMatchObject({ raised: 7300, donationCount: 3, donorCount: 2 });
    const reportBefore = await reportRow(slug);
    // 7,300 of a 1,000,000 goal: 0.7 %, from progress (the report's all-time column).
    expect(reportBefore).toEqual({ gross: 7300, donationCount: 3, percentOfGoal: 0.7 });

    // Operators see the folder's backlog.
    const metrics = async () => (await app.http.get('/metrics').expect(200)).text;
    expect(metricValue(await metrics(), 'pledge_ledger_unfolded_entries')).toBeGreaterThanOrEqual(
      3,
    );
    expect(
      metricValue(await metrics(), 'pledge_ledger_unfolded_oldest_age_seconds'),
    ).toBeGreaterThanOrEqual(0);

    await foldAll();
    expect((await ledger.unfolded()).count).toBe(0);
    expect(metricValue(await metrics(), 'pledge_ledger_unfolded_entries')).toBe(0);
    expect(metricValue(await metrics(), 'pledge_ledger_unfolded_oldest_age_seconds')).toBe(0);
    expect(await storedProgress(slug)).toEqual({
      raised: 7300,
      donation_count: 3,
      donor_count: 2,
    });
    expect(await progress(app, slug)).toEqual(before);
    expect(await reportRow(slug)).toEqual(reportBefore);
    expect(await ledger.reconcile(false)).toEqual([]);
  });

  it('folders running at once fold each entry exactly once', async () => {
    const slugs = [(await createCampaign(app, adminKey)).slug];
    slugs.push((await createCampaign(app, adminKey)).slug);
    const amounts = Array.from({ length: 24 }, (_, i) => 100 + i);
    await Promise.all(amounts.map((amount, i) => cheque(slugs[i % 2], amount, email())));
    const expected = slugs.map((_, s) =>
      amounts.filter((_, i) => i % 2 === s).reduce((a, b) => a + b, 0),
    );

    // Small batches, three folders at a time, until nothing is left.
    while ((await ledger.unfolded()).count > 0) {
      await Promise.all([ledger.fold(5), ledger.fold(5), ledger.fold(5)]);
    }
    for (const [s, slug] of slugs.entries()) {
      expect(await storedProgress(slug)).toEqual({
        raised: expected[s],
        donation_count: 12,
        donor_count: 12,
      });
      expect((await progress(app, slug)).raised).toBe(expected[s]);
    }
    expect(await ledger.reconcile(false)).toEqual([]);
  });

  it('reconcile folds what is pending before it compares, and finds no drift in it', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await cheque(slug, 4100, email());
    expect((await ledger.unfolded()).count).toBeGreaterThan(0);
    expect(await ledger.reconcile(false)).toEqual([]);
    expect((await ledger.unfolded()).count).toBe(0);
    expect(await storedProgress(slug)).toMatchObject({ raised: 4100, donation_count: 1 });
  });
});
