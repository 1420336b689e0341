import { binaryBody } from '../support/binary-body';
import { parse } from 'csv-parse/sync';
import { SQL_NEUTRALIZE } from '../../src/common/csv/csv-safety';
import { startTestApp, TestApp } from '../support/harness';
import {
  createCampaign,
  intentOfClientSecret,
  paidDonation,
  progress,
  settled,
} from '../support/flows';

/**
 * Not UTC on purpose: a zone whose date differs from UTC's while the test runs (UTC+14 from
 * 10:00 UTC, UTC−11 before 11:00 UTC), so that a period read in UTC would get other entries.
 */
const TIME_ZONE = new Date().getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
const DAY_MS = 86_400_000;

interface Entry {
  id: string;
  kind: string;
  amount: number;
  currency: string;
  settledAmount: number;
  settledCurrency: string;
  campaignId: string | null;
  donationId: string | null;
  occurredAt: Date;
}

interface Expected {
  campaign: string | null;
  currency: string;
  gross: number;
  stripeFees: number;
  refunds: number;
  disputes: number;
  disputeFees: number;
  net: number;
  donationCount: number;
  distinctDonors: number;
  newDonors: number;
  oneOff: { gross: number; count: number };
  recurring: { gross: number; count: number };
  activePledges: number;
  monthlyRecurring: number;
}

const localDay = (at: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

describe('finance reports', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;
  let usdCampaign: { slug: string; goal: { amount: number; currency: string } };
  let eurCampaign: { slug: string; goal: { amount: number; currency: string } };
  /** Days (New York) of the first and second batches of activity, 40 days apart. */
  let p1: { from: string; to: string };
  let p2: { from: string; to: string };
  let all: { from: string; to: string };
  const hyperlink = '=HYPERLINK("http://evil.example/steal","click me")';

  const get = (path: string, query: Record<string, string | number> = {}, key = financeKey) =>
    app.http.get(path).query(query).set('Authorization', `Bearer ${key}`);

  beforeAll(async () => {
    app = await startTestApp({ worker: true, env: { ORGANIZATION_TIMEZONE: TIME_ZONE } });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    usdCampaign = await createCampaign(app, adminKey, {
      goal: { amount: 50_000, currency: 'usd' },
      currencies: ['usd', 'eur', 'jpy'],
    });
    eurCampaign = await createCampaign(app, adminKey, {
      goal: { amount: 2_000_000, currency: 'eur' },
      currencies: ['eur', 'usd'],
    });
    const A = usdCampaign.slug;
    const B = eurCampaign.slug;
    const maryam = { name: 'Maryam', email: 'maryam@example.org' };

    // First batch: now.
    await paidDonation(app, A, { amount: 2500, ...maryam });
    const partly = await paidDonation(app, A, { amount: 10_000, name: 'Partly refunded' });
    await app.standIn.refundCharge(partly.chargeId, { amount: 1500 });
    const failing = await app.standIn.refundCharge(partly.chargeId, { amount: 2500 });
    await settled(app);
    await app.standIn.failRefund(failing.id);
    const full = await paidDonation(app, A, { amount: 4000, currency: 'eur', name: 'Refunded' });
    await app.standIn.refundCharge(full.chargeId);
    await paidDonation(app, A, {
      amount: 5000,
      currency: 'jpy',
      name: hyperlink,
      email: 'formula@example.org',
      anonymous: true,
    });
    const lost = await paidDonation(app, A, { amount: 3000, name: 'Lost dispute' });
    const won = await paidDonation(app, A, { amount: 7000, name: 'Won dispute' });
    const lostDispute = await app.standIn.disputeCharge(lost.chargeId);
    const wonDispute = await app.standIn.disputeCharge(won.chargeId);
    await settled(app);
    await app.standIn.closeDispute(lostDispute.id, { outcome: 'lost' });
    await app.standIn.closeDispute(wonDispute.id, { outcome: 'won' });
    await paidDonation(app, B, { amount: 5000, currency: 'eur', ...maryam });
    // A cheque, recorded by staff.
    await app.http
      .post('/v1/admin/donations')
      .set('Authorization', `Bearer ${adminKey}`)
      .send({
        campaign: B,
        amount: 30_000,
        currency: 'eur',
        method: 'cheque',
        receivedOn: new Date().toISOString().slice(0, 10),
        reference: 'CHQ-0042',
        donor: { email: 'cheque@example.org', name: '@cheque writer' },
      })
      .expect(201);
    // A payment no campaign claims.
    const stray = await app.stripe.paymentIntents.create({ amount: 1234, currency: 'usd' });
    await app.standIn.succeedPaymentIntent(stray.id);

    const monthly = await app.http
      .post(`/v1/campaigns/${A}/pledges`)
      .send({
        amount: 1000,
        currency: 'usd',
        interval: 'month',
        email: 'monthly@example.org',
        name: 'Monthly',
      })
      .expect(201);
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(monthly.body.clientSecret));
    await settled(app);
    for (let i = 0; i < 2; i++)
      await app.standIn.renewSubscription(monthly.body.subscriptionId, { outcome: 'succeed' });
    const yearly = await app.http
      .post(`/v1/campaigns/${A}/pledges`)
      .send({
        amount: 12_050,
        currency: 'eur',
        interval: 'year',
        email: 'yearly@example.org',
        name: 'Yearly',
      })
      .expect(201);
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(yearly.body.clientSecret));
    await settled(app);

    // Second batch, 40 days later: a new donor, a returning one, a renewal.
    await app.standIn.advanceClock(40 * 86_400);
    await paidDonation(app, A, { amount: 6000, name: 'Newcomer', email: 'new@example.org' });
    await paidDonation(app, A, { amount: 2000, ...maryam });
    await app.standIn.renewSubscription(monthly.body.subscriptionId, { outcome: 'succeed' });
    await settled(app);

    const entries = await ledgerEntries();
    const days = entries.map((e) => localDay(e.occurredAt)).sort();
    const firstBatch = days.filter((d) => d < addDays(days[0], 20));
    p1 = { from: firstBatch[0], to: firstBatch[firstBatch.length - 1] };
    p2 = { from: addDays(p1.to, 1), to: days[days.length - 1] };
    all = { from: p1.from, to: p2.to };
    // The zone really matters in this run: some entries' local day is not their UTC day.
    expect(
      entries.some((e) => localDay(e.occurredAt) !== e.occurredAt.toISOString().slice(0, 10)),
    ).toBe(true);
  }, 180_000);
  afterAll(() => app?.close());

  async function ledgerEntries(): Promise<Entry[]> {
    const { rows } = await app.db.query(`SELECT * FROM ledger_entries`);
    return rows.map((r) => ({
      id: String(r.id),
      kind: r.kind,
      amount: Number(r.amount),
      currency: r.currency,
      settledAmount: Number(r.settled_amount),
      settledCurrency: r.settled_currency,
      campaignId: r.campaign_id,
      donationId: r.donation_id,
      occurredAt: r.occurred_at,
    }));
  }

  /** The report worked out in JS from raw rows: nothing shared with the SQL under test. */
  async function expectedReport(period: { from: string; to: string }) {
    const entries = await ledgerEntries();
    const donations = new Map(
      (await app.db.query(`SELECT id, kind, donor_id FROM donations`)).rows.map((d) => [d.id, d]),
    );
    const campaigns = (
      await app.db.query(`SELECT id, slug, goal_amount, goal_currency FROM campaigns`)
    ).rows;
    const slugOf = new Map(campaigns.map((c) => [c.id, c.slug as string]));
    const pledges = (await app.db.query(`SELECT * FROM pledges`)).rows;
    const inPeriod = (at: Date) => {
      const day = localDay(at);
      return day >= period.from && day <= period.to;
    };
    const firstGift = new Map<string, Date>();
    for (const e of entries) {
      const donor = donations.get(e.donationId)?.donor_id;
      if (e.kind !== 'charge' || !donor) continue;
      const seen = firstGift.get(donor);
      if (!seen || e.occurredAt < seen) firstGift.set(donor, e.occurredAt);
    }
    const rows = new Map<string, Expected & { donors: Set<string> }>();
    const rowOf = (campaign: string | null, currency: string) => {
      const key = `${campaign}|${currency}`;
      if (!rows.has(key)) {
        rows.set(key, {
          campaign,
          currency,
          gross: 0,
          stripeFees: 0,
          refunds: 0,
          disputes: 0,
          disputeFees: 0,
          net: 0,
          donationCount: 0,
          distinctDonors: 0,
          newDonors: 0,
          oneOff: { gross: 0, count: 0 },
          recurring: { gross: 0, count: 0 },
          activePledges: 0,
          monthlyRecurring: 0,
          donors: new Set(),
        });
      }
      return rows.get(key)!;
    };
    for (const c of campaigns) rowOf(c.slug, c.goal_currency);
    for (const e of entries) {
      if (!inPeriod(e.occurredAt)) continue;
      const row = rowOf(e.campaignId ? slugOf.get(e.campaignId)! : null, e.currency);
      row.net += e.amount;
      if (e.kind === 'charge') {
        row.gross += e.amount;
        row.donationCount += 1;
        const donation = donations.get(e.donationId)!;
        const split = donation.kind === 'installment' ? row.recurring : row.oneOff;
        split.gross += e.amount;
        split.count += 1;
        if (donation.donor_id) row.donors.add(donation.donor_id);
      } else if (e.kind === 'fee') row.stripeFees -= e.amount;
      else if (e.kind === 'refund' || e.kind === 'refund_reversal') row.refunds -= e.amount;
      else if (e.kind === 'dispute') row.disputes -= e.amount;
      else if (e.kind === 'dispute_fee') row.disputeFees -= e.amount;
      else throw new Error(`unknown kind ${e.kind}`);
    }
    for (const p of pledges) {
      if (p.status !== 'active') continue;
      const row = rowOf(slugOf.get(p.campaign_id)!, p.currency);
      row.activePledges += 1;
      const amount = Number(p.amount);
      const perMonth = {
        week: (amount * 52) / 12,
        month: amount,
        quarter: amount / 3,
        year: amount / 12,
      };
      row.monthlyRecurring += Math.floor(perMonth[p.interval as keyof typeof perMonth]);
    }
    const out = new Map<string, Expected>();
    for (const [key, { donors, ...row }] of rows) {
      row.distinctDonors = donors.size;
      row.newDonors = [...donors].filter((d) => inPeriod(firstGift.get(d)!)).length;
      out.set(key, row);
    }
    // Progress in the goal currency, from the ledger, all time.
    const percent = new Map<string, number>();
    for (const c of campaigns) {
      let raised = 0;
      for (const e of entries) {
        if (e.campaignId !== c.id) continue;
        if (!['charge', 'refund', 'refund_reversal', 'dispute'].includes(e.kind)) continue;
        if (e.currency === c.goal_currency) raised += e.amount;
        else if (e.settledCurrency === c.goal_currency) raised += e.settledAmount;
      }
      percent.set(c.slug, Math.floor((Math.max(raised, 0) * 1000) / Number(c.goal_amount)) / 10);
    }
    return { rows: out, percent };
  }

  async function checkReportAgainstLedger(period: { from: string; to: string }) {
    const res = await get('/v1/reports/campaigns', period).expect(200);
    expect(res.body).toMatchObject({ ...period, timeZone: TIME_ZONE });
    const expected = await expectedReport(period);
    const got = new Map<string, Record<string, unknown>>(
      res.body.data.map((r: Record<string, unknown>) => [`${r.campaign}|${r.currency}`, r]),
    );
    for (const key of expected.rows.keys()) expect(got.has(key)).toBe(true);
    for (const [key, row] of got) {
      const {
        title: _t,
        goal,
        percentOfGoal,
        signatures,
        actions,
        pledgeClosing,
        pledgesMovedIn,
        ...sums
      } = row;
      const want = expected.rows.get(key);
      expect({ key, ...sums }).toEqual({ key, ...want });
      // These campaigns have no action: no signature to count (action-deliveries' spec counts them).
      expect({ signatures, actions }).toEqual({ signatures: 0, actions: [] });
      // These campaigns are open and no pledge moved (campaign-closing's spec counts them).
      expect({ pledgeClosing, pledgesMovedIn }).toEqual({ pledgeClosing: null, pledgesMovedIn: 0 });
      if (row.campaign === null) {
        expect(goal).toBeNull();
        expect(percentOfGoal).toBeNull();
      } else {
        expect(percentOfGoal).toBe(expected.percent.get(row.campaign as string));
        const c = row.campaign === usdCampaign.slug ? usdCampaign : eurCampaign;
        if (row.campaign === c.slug) expect(goal).toEqual(c.goal);
      }
    }
    return res.body.data as (Expected & { percentOfGoal: number | null })[];
  }

  const rowOf = (
    data: (Expected & { percentOfGoal: number | null })[],
    campaign: string | null,
    currency: string,
  ) => data.find((r) => r.campaign === campaign && r.currency === currency)!;

  it('equals, cent for cent, the ledger summed in JS, for each period and for both together', async () => {
    const first = await checkReportAgainstLedger(p1);
    const second = await checkReportAgainstLedger(p2);
    const both = await checkReportAgainstLedger(all);

    // A few figures known by construction, so the JS above is not merely re-derived.
    const a1 = rowOf(first, usdCampaign.slug, 'usd');
    expect(a1.gross).toBe(2500 + 10_000 + 3000 + 7000 + 1000 * 3);
    expect(a1.refunds).toBe(1500); // the failed 2500 refund was reversed
    expect(a1.disputes).toBe(3000); // the won dispute gave its 7000 back
    expect(a1.recurring).toEqual({ gross: 3000, count: 3 });
    expect(a1.oneOff.count).toBe(4);
    expect(a1.net).toBe(a1.gross - a1.stripeFees - a1.refunds - a1.disputes - a1.disputeFees);
    expect(a1.activePledges).toBe(1);
    expect(a1.monthlyRecurring).toBe(1000);
    const eurPledge = rowOf(first, usdCampaign.slug, 'eur');
    expect(eurPledge.refunds).toBe(4000);
    expect(eurPledge.monthlyRecurring).toBe(1004); // 12050 a year, floored per month
    expect(rowOf(first, usdCampaign.slug, 'jpy').gross).toBe(5000);
    expect(rowOf(first, null, 'usd').gross).toBe(1234);
    // Maryam (both campaigns) and the cheque writer are new in the first period; Maryam is not
    // new in the second.
    expect(rowOf(first, eurCampaign.slug, 'eur')).toMatchObject({
      newDonors: 2,
      distinctDonors: 2,
      oneOff: { gross: 35_000, count: 2 }, // the cheque is a one-off gift
    });
    const a2 = rowOf(second, usdCampaign.slug, 'usd');
    expect(a2).toMatchObject({ gross: 9000, donationCount: 3, distinctDonors: 3, newDonors: 1 });
    expect(a2.recurring).toEqual({ gross: 1000, count: 1 });
    expect(rowOf(both, usdCampaign.slug, 'usd').gross).toBe(a1.gross + a2.gross);
    // The campaign row carries the public progress percentage.
    expect(a1.percentOfGoal).toBe((await progress(app, usdCampaign.slug)).percent);
    // A period with nothing in it: every campaign still has its zero row.
    const empty = await get('/v1/reports/campaigns', {
      from: '2001-01-01',
      to: '2001-01-31',
    }).expect(200);
    expect(rowOf(empty.body.data, eurCampaign.slug, 'eur')).toMatchObject({
      gross: 0,
      net: 0,
      donationCount: 0,
    });
  });

  it('filters by campaign; an unknown one is a 404', async () => {
    const res = await get('/v1/reports/campaigns', { ...all, campaign: eurCampaign.slug }).expect(
      200,
    );
    expect(new Set(res.body.data.map((r: Expected) => r.campaign))).toEqual(
      new Set([eurCampaign.slug]),
    );
    const missing = await get('/v1/reports/campaigns', { campaign: 'no-such-campaign' }).expect(
      404,
    );
    expect(missing.body.message).toContain('no-such-campaign');
  });

  it('defaults to the current month in the organisation’s time zone', async () => {
    const res = await get('/v1/reports/campaigns').expect(200);
    const today = localDay(new Date());
    expect(res.body.from).toBe(`${today.slice(0, 7)}-01`);
    expect(res.body.to.slice(0, 7)).toBe(today.slice(0, 7));
    expect(addDays(res.body.to, 1).slice(8)).toBe('01');
  });

  it('CSV: a period’s rows sum, per currency and kind, to the report of that period', async () => {
    for (const period of [p1, p2]) {
      const res = await get('/v1/reports/donations.csv', period)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="donations-${period.from}-${period.to}.csv"`,
      );
      const body = res.body as Buffer;
      expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(body.toString('utf8')).toContain('\r\n');
      const rows: Record<string, string>[] = parse(body, { bom: true, columns: true });
      const sums = new Map<string, number>();
      for (const r of rows) {
        expect(r.amount).toMatch(/^-?\d+$/);
        const key = `${r.currency}|${r.kind === 'refund_reversal' ? 'refund' : r.kind}`;
        sums.set(key, (sums.get(key) ?? 0) + Number(r.amount));
      }
      const report = (await get('/v1/reports/campaigns', period).expect(200)).body
        .data as Expected[];
      const fromReport = new Map<string, number>();
      const add = (key: string, n: number) => fromReport.set(key, (fromReport.get(key) ?? 0) + n);
      for (const r of report) {
        add(`${r.currency}|charge`, r.gross);
        add(`${r.currency}|fee`, -r.stripeFees);
        add(`${r.currency}|refund`, -r.refunds);
        add(`${r.currency}|dispute`, -r.disputes);
        add(`${r.currency}|dispute_fee`, -r.disputeFees);
      }
      for (const [key, n] of fromReport) expect([key, sums.get(key) ?? 0]).toEqual([key, n]);
      for (const [key, n] of sums) expect([key, n]).toEqual([key, fromReport.get(key)]);
      const inPeriod = (await ledgerEntries()).filter((e) => {
        const day = localDay(e.occurredAt);
        return day >= period.from && day <= period.to;
      });
      expect(rows.map((r) => r.entry_id).sort()).toEqual(inPeriod.map((e) => e.id).sort());
    }
  });

  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+1 555', `'+1 555`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tx', `'\tx`],
    ['\rx', `'\rx`],
    ['Maryam', 'Maryam'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('CSV cells a donor typed: %p is exported as %p', async (typed, exported) => {
    const { rows } = await app.db.query(`SELECT ${SQL_NEUTRALIZE('$1::text')} AS cell`, [typed]);
    expect(rows[0].cell).toBe(exported);
  });

  const csvRows = async (query: Record<string, string>) => {
    const res = await get('/v1/reports/donations.csv', query).expect(200);
    return parse(res.text, { bom: true, columns: true }) as Record<string, string>[];
  };

  it('CSV: formula injection neutralised, Stripe ids present, anonymous donors named, erased ones not', async () => {
    const rows = await csvRows(p1);
    expect(Object.keys(rows[0])).toEqual([
      'entry_id',
      'occurred_at',
      'kind',
      'amount',
      'currency',
      'settled_amount',
      'settled_currency',
      'donation_id',
      'donation_kind',
      'donation_status',
      'donation_method',
      'campaign',
      'donor_id',
      'donor_name',
      'donor_email',
      'stripe_payment_intent_id',
      'stripe_charge_id',
      'stripe_invoice_id',
      'stripe_balance_transaction_id',
      'stripe_refund_id',
      'stripe_dispute_id',
      'stripe_payout_id',
    ]);
    const yen = rows.find((r) => r.currency === 'jpy' && r.kind === 'charge')!;
    expect(yen.donor_name).toBe(`'${hyperlink}`);
    expect(yen.donor_email).toBe('formula@example.org');
    expect(yen.stripe_payment_intent_id).toMatch(/^pi_/);
    expect(yen.stripe_charge_id).toMatch(/^ch_/);
    expect(yen.stripe_balance_transaction_id).toMatch(/^txn_/);
    expect(yen.occurred_at).toBe(new Date(yen.occurred_at).toISOString());
    const refund = rows.find((r) => r.kind === 'refund')!;
    expect(refund.stripe_refund_id).toMatch(/^re_/);
    expect(rows.find((r) => r.kind === 'dispute')!.stripe_dispute_id).toMatch(/^dp_|^du_/);
    expect(rows.find((r) => r.donation_kind === 'installment')!.stripe_invoice_id).toMatch(/^in_/);
    // Negative amounts stay numbers (no quote added to them).
    expect(rows.find((r) => r.kind === 'fee')!.amount).toMatch(/^-\d+$/);

    const maryamRow = rows.find((r) => r.donor_email === 'maryam@example.org')!;
    await app.db.query(`UPDATE donors SET erased_at = now() WHERE id = $1`, [maryamRow.donor_id]);
    try {
      const after = (await csvRows(p1)).filter((r) => r.donor_id === maryamRow.donor_id);
      expect(after.length).toBeGreaterThan(0);
      for (const r of after) expect([r.donor_name, r.donor_email]).toEqual(['', '']);
    } finally {
      await app.db.query(`UPDATE donors SET erased_at = NULL WHERE id = $1`, [maryamRow.donor_id]);
    }
  });

  it('JSON pages walk the same entries as the CSV; filters by campaign, status and method', async () => {
    const csv = await csvRows(all);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { entryId: string }[]; nextCursor: string | null } } = await get(
        '/v1/reports/donations',
        { ...all, limit: 4, ...(cursor ? { cursor } : {}) },
      ).expect(200);
      expect(page.body.data.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.data.map((r) => r.entryId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(csv.map((r) => r.entry_id));

    const first = (await get('/v1/reports/donations', { ...p1, limit: 500 }).expect(200)).body;
    const yen = first.data.find((r: { currency: string }) => r.currency === 'jpy');
    expect(yen).toMatchObject({ donorName: hyperlink, kind: 'charge', amount: 5000 });

    const eurOnly = await csvRows({ ...all, campaign: eurCampaign.slug });
    expect(new Set(eurOnly.map((r) => r.campaign))).toEqual(new Set([eurCampaign.slug]));
    const cheques = await csvRows({ ...all, method: 'cheque' });
    expect(cheques.map((r) => [r.kind, r.amount, r.donation_kind, r.donor_name])).toEqual([
      ['charge', '30000', 'offline', "'@cheque writer"],
    ]);
    expect(cheques[0].stripe_payment_intent_id).toBe('');
    expect((await csvRows({ ...all, method: 'card' })).length).toBe(csv.length - 1);
    expect(await csvRows({ ...all, method: 'cash' })).toEqual([]);
    expect(await csvRows({ ...all, status: 'failed' })).toEqual([]);
    expect((await csvRows({ ...all, status: 'succeeded' })).length).toBe(csv.length);
    await get('/v1/reports/donations.csv', { campaign: 'no-such-campaign' }).expect(404);
  });

  it('JSON pages newest first (order=desc): the ascending list reversed, a page at a time', async () => {
    type Page = { body: { data: { entryId: string }[]; nextCursor: string | null } };
    const walk = async (query: Record<string, string | number>, limit: number) => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await get('/v1/reports/donations', {
          ...query,
          limit,
          ...(cursor ? { cursor } : {}),
        }).expect(200);
        pages.push(page.body.data.map((r) => r.entryId));
        cursor = page.body.nextCursor;
      } while (cursor);
      return pages;
    };
    const ascending = (await walk(all, 500)).flat();
    expect(ascending.length).toBeGreaterThan(6);
    const pages = await walk({ ...all, order: 'desc' }, 3);
    expect(pages.length).toBe(Math.ceil(ascending.length / 3));
    expect(pages.flat()).toEqual([...ascending].reverse());
    // The newest page alone is what the dashboard asks for.
    const newest: Page = await get('/v1/reports/donations', {
      ...all,
      order: 'desc',
      limit: 2,
    }).expect(200);
    expect(newest.body.data.map((r) => r.entryId)).toEqual(ascending.slice(-2).reverse());
    // Filters apply the same way in both orders.
    const euro = { ...all, campaign: eurCampaign.slug };
    expect((await walk({ ...euro, order: 'desc' }, 2)).flat()).toEqual(
      (await walk({ ...euro, order: 'asc' }, 2)).flat().reverse(),
    );
  });

  it('time series: every bucket present, zeros in the gap, sums equal to the report', async () => {
    const report = (
      await get('/v1/reports/campaigns', { ...all, campaign: usdCampaign.slug }).expect(200)
    ).body.data as Expected[];
    for (const interval of ['day', 'week', 'month']) {
      const res = await get('/v1/reports/timeseries', {
        ...all,
        campaign: usdCampaign.slug,
        interval,
      }).expect(200);
      const buckets = res.body.buckets as {
        start: string;
        totals: { currency: string; gross: number; net: number; donationCount: number }[];
      }[];
      if (interval === 'day') {
        const days = (Date.parse(all.to) - Date.parse(all.from)) / DAY_MS + 1;
        expect(buckets.map((b) => b.start)).toEqual(
          Array.from({ length: days }, (_, i) => addDays(all.from, i)),
        );
        const quiet = buckets.find((b) => b.start === addDays(p1.to, 10))!;
        expect(quiet.totals).toEqual(
          ['eur', 'jpy', 'usd'].map((currency) => ({
            currency,
            gross: 0,
            net: 0,
            donationCount: 0,
          })),
        );
      }
      for (const row of report) {
        const totals = buckets.flatMap((b) => b.totals.filter((t) => t.currency === row.currency));
        expect(totals).toHaveLength(buckets.length);
        const sum = (f: 'gross' | 'net' | 'donationCount') => totals.reduce((n, t) => n + t[f], 0);
        expect([interval, row.currency, sum('gross'), sum('net'), sum('donationCount')]).toEqual([
          interval,
          row.currency,
          row.gross,
          row.net,
          row.donationCount,
        ]);
      }
    }
    await get('/v1/reports/timeseries', { campaign: 'no-such-campaign' }).expect(404);
  });

  it.each([
    ['/v1/reports/campaigns', { from: '2026-02-30' }, /^from /],
    ['/v1/reports/campaigns', { to: '30/11/2026' }, /^to /],
    [
      '/v1/reports/campaigns',
      { from: '2026-11-02', to: '2026-11-01' },
      /^from must not be after to/,
    ],
    ['/v1/reports/campaigns', { campaign: 'Not A Slug' }, /^campaign /],
    ['/v1/reports/timeseries', {}, /campaign/],
    ['/v1/reports/timeseries', { campaign: 'x1', interval: 'hour' }, /^interval /],
    [
      '/v1/reports/timeseries',
      { campaign: 'x1', interval: 'day', from: '2000-01-01', to: '2026-01-01' },
      /^interval day over/,
    ],
    ['/v1/reports/donations', { limit: 0 }, /^limit /],
    ['/v1/reports/donations', { cursor: 'garbage' }, /^cursor /],
    ['/v1/reports/donations', { method: 'bitcoin' }, /^method /],
    ['/v1/reports/donations', { order: 'newest' }, /^order must be asc or desc/],
    ['/v1/reports/donations.csv', { status: 'lost' }, /^status /],
  ])('%s %p is a 400 naming the field', async (path, query, message) => {
    const res = await get(path, query).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(message) });
  });

  it('is for finance and admin keys only', async () => {
    for (const path of [
      '/v1/reports/campaigns',
      `/v1/reports/timeseries?campaign=${usdCampaign.slug}`,
      '/v1/reports/donations',
      '/v1/reports/donations.csv',
    ]) {
      await app.http.get(path).expect(401);
      await app.http.get(path).set('Authorization', 'Bearer nope').expect(401);
      await app.http.get(path).set('Authorization', `Bearer ${financeKey}`).expect(200);
      await app.http.get(path).set('Authorization', `Bearer ${adminKey}`).expect(200);
    }
  });
});
