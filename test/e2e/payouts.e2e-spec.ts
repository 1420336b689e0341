import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, paidDonation, settled } from '../support/flows';

describe('payouts: recorded from Stripe and matched to the ledger', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
  });
  afterAll(() => app?.close());

  it('lists the payout’s balance transactions matched to ledger entries, and the one we never recorded', async () => {
    const adminKey = await app.createKey('admin');
    const financeKey = await app.createKey('finance');
    const { slug } = await createCampaign(app, adminKey);
    const a = await paidDonation(app, slug, { amount: 5000 });
    await paidDonation(app, slug, { amount: 2500 });
    await app.standIn.refundCharge(a.chargeId, { amount: 1000 });
    // A payment whose webhooks never arrived: in the payout, not in our ledger.
    const lost = await donate(app, slug, { amount: 700 });
    await app.standIn.pauseDeliveries();
    await app.standIn.succeedPaymentIntent(lost.paymentIntentId);
    for (const e of (await app.standIn.events()).filter((e) =>
      JSON.stringify(e).includes(lost.paymentIntentId),
    )) {
      await app.standIn.dropEvent(e.id);
    }
    await app.standIn.resumeDeliveries();
    await settled(app);

    const payout = await app.standIn.createPayout({ status: 'paid' });
    await settled(app);
    const stored = await app.db.query(`SELECT status, amount::int FROM payouts WHERE id = $1`, [
      payout.id,
    ]);
    expect(stored.rows).toEqual([{ status: 'paid', amount: payout.amount }]);

    const res = await app.http
      .get(`/v1/reports/payouts/${payout.id}`)
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(200);
    const { lines, unmatched, totals } = res.body;
    expect(totals.net).toBe(payout.amount);
    const everyLine = [...lines, ...unmatched];
    expect(everyLine.reduce((sum: number, l: { net: number }) => sum + l.net, 0)).toBe(
      payout.amount,
    );
    expect(unmatched).toHaveLength(1);
    expect(unmatched[0]).toMatchObject({ type: 'charge', amount: 700, matched: false });
    expect(lines.map((l: { type: string }) => l.type).sort()).toEqual([
      'charge',
      'charge',
      'refund',
    ]);
    const kinds = lines
      .flatMap((l: { ledgerEntries: { kind: string }[] }) => l.ledgerEntries.map((e) => e.kind))
      .sort();
    expect(kinds).toEqual(['charge', 'charge', 'fee', 'fee', 'refund']);
    expect(totals.matchedNet).toBe(payout.amount - unmatched[0].net);

    await app.http
      .get('/v1/reports/payouts/po_unknown')
      .set('Authorization', `Bearer ${financeKey}`)
      .expect(404);
    await app.http.get(`/v1/reports/payouts/${payout.id}`).expect(401);
  });
});
