import { LedgerRepository } from '../../src/ledger/ledger.repository';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, ledger, paidDonation, progress, settled } from '../support/flows';

describe('Stripe event pipeline: every payment counted exactly once', () => {
  let app: TestApp;
  let adminKey: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
  });
  afterAll(() => app?.close());

  const eventsOf = async (objectId: string) =>
    (await app.standIn.events()).filter((e) => JSON.stringify(e).includes(objectId));

  it('donate, confirm, webhook: progress rises by exactly the amount; fee and net recorded', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const paid = await paidDonation(app, slug, { amount: 2500, name: 'Maryam' });

    expect(await progress(app, slug)).toMatchObject({
      raised: 2500,
      donationCount: 1,
      donorCount: 1,
    });
    const fee = Math.round(2500 * 0.029) + 30;
    const { rows } = await app.db.query(
      `SELECT status, received_amount::int, fee_amount::int, settled_amount::int, stripe_charge_id FROM donations WHERE id = $1`,
      [paid.donationId],
    );
    expect(rows[0]).toEqual({
      status: 'succeeded',
      received_amount: 2500,
      fee_amount: fee,
      settled_amount: 2500,
      stripe_charge_id: paid.chargeId,
    });
    const entries = await ledger(app, paid.donationId);
    expect(entries.map((e) => [e.kind, e.amount])).toEqual([
      ['charge', 2500],
      ['fee', -fee],
    ]);
    expect(entries[0].stripe_balance_transaction_id).toMatch(/^txn_/);
    const totals = await app.db.query(
      `SELECT gross::int, fees::int, refunds::int, disputes::int FROM campaign_currency_totals t
         JOIN campaigns c ON c.id = t.campaign_id WHERE c.slug = $1`,
      [slug],
    );
    expect(totals.rows).toEqual([{ gross: 2500, fees: fee, refunds: 0, disputes: 0 }]);
  });

  it('the same event delivered five times in a row and ten times at once counts once', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const paid = await paidDonation(app, slug, { amount: 4000 });
    const succeeded = (await eventsOf(paid.paymentIntentId)).find(
      (e) => e.type === 'payment_intent.succeeded',
    )!;

    for (let i = 0; i < 5; i++) await app.standIn.redeliverEvent(succeeded.id);
    await Promise.all(Array.from({ length: 10 }, () => app.standIn.redeliverEvent(succeeded.id)));
    await settled(app);

    expect(await progress(app, slug)).toMatchObject({ raised: 4000, donationCount: 1 });
    expect((await ledger(app, paid.donationId)).filter((e) => e.kind === 'charge')).toHaveLength(1);
    const stored = await app.db.query(
      `SELECT count(*)::int AS n FROM stripe_events WHERE id = $1`,
      [succeeded.id],
    );
    expect(stored.rows[0].n).toBe(1);
  });

  it('two partial refunds and a redelivery: the totals fall by exactly what was refunded', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const paid = await paidDonation(app, slug, { amount: 10_000 });
    await app.standIn.refundCharge(paid.chargeId, { amount: 1500 });
    await app.standIn.refundCharge(paid.chargeId, { amount: 2500 });
    await settled(app);
    const refundEvent = (await eventsOf(paid.chargeId)).find((e) => e.type === 'charge.refunded')!;
    await app.standIn.redeliverEvent(refundEvent.id);
    await settled(app);

    expect((await progress(app, slug)).raised).toBe(6000);
    const refunds = (await ledger(app, paid.donationId)).filter((e) => e.kind === 'refund');
    expect(refunds.map((e) => e.amount).sort()).toEqual([-1500, -2500]);
    const { rows } = await app.db.query(
      `SELECT refunded_amount::int FROM donations WHERE id = $1`,
      [paid.donationId],
    );
    expect(rows[0].refunded_amount).toBe(4000);
  });

  it('a refund that fails after it was counted gives the money back', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const paid = await paidDonation(app, slug, { amount: 5000 });
    const refund = await app.standIn.refundCharge(paid.chargeId, { amount: 2000 });
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(3000);
    await app.standIn.failRefund(refund.id);
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(5000);
    const kinds = (await ledger(app, paid.donationId)).map((e) => e.kind);
    expect(kinds).toEqual(['charge', 'fee', 'refund', 'refund_reversal']);
  });

  it('a lost dispute takes the money and the fee; a won one gives the money back', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const lost = await paidDonation(app, slug, { amount: 3000 });
    const won = await paidDonation(app, slug, { amount: 7000 });
    const lostDispute = await app.standIn.disputeCharge(lost.chargeId);
    const wonDispute = await app.standIn.disputeCharge(won.chargeId);
    await settled(app);
    expect((await progress(app, slug)).raised).toBe(0);

    await app.standIn.closeDispute(lostDispute.id, { outcome: 'lost' });
    await app.standIn.closeDispute(wonDispute.id, { outcome: 'won' });
    await settled(app);

    expect((await progress(app, slug)).raised).toBe(7000);
    const { rows } = await app.db.query(
      `SELECT id, dispute_status FROM donations WHERE id = ANY($1) ORDER BY amount`,
      [[lost.donationId, won.donationId]],
    );
    expect(rows.map((r) => r.dispute_status)).toEqual(['lost', 'won']);
    const lostEntries = await ledger(app, lost.donationId);
    expect(lostEntries.filter((e) => e.kind === 'dispute').map((e) => e.amount)).toEqual([-3000]);
    expect(lostEntries.filter((e) => e.kind === 'dispute_fee').map((e) => e.amount)).toEqual([
      -1500,
    ]);
  });

  it('events in reverse order (the refund before the success) end in the same state', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await app.standIn.pauseDeliveries();
    const d = await donate(app, slug, { amount: 8000 });
    const intent = await app.standIn.succeedPaymentIntent(d.paymentIntentId);
    await app.standIn.refundCharge(intent.latest_charge as string, { amount: 3000 });
    const ids = (await eventsOf(d.paymentIntentId)).map((e) => e.id);
    await app.standIn.resumeDeliveries();
    await settled(app);
    await app.standIn.redeliverEvents([...ids].reverse());
    await settled(app);
    expect(await progress(app, slug)).toMatchObject({ raised: 5000, donationCount: 1 });
  });

  it('records a payment with none of our metadata as unattributed, and flags an amount that differs', async () => {
    const stray = await app.stripe.paymentIntents.create({ amount: 1234, currency: 'usd' });
    await app.standIn.succeedPaymentIntent(stray.id);
    const { slug } = await createCampaign(app, adminKey);
    const d = await donate(app, slug, { amount: 2000 });
    // The site changed the PaymentIntent's amount behind our back.
    await app.stripe.paymentIntents.update(d.paymentIntentId, { amount: 1800 });
    await app.standIn.succeedPaymentIntent(d.paymentIntentId);
    await settled(app);

    const unattributed = await app.db.query(
      `SELECT campaign_id, status, received_amount::int, flags FROM donations WHERE stripe_payment_intent_id = $1`,
      [stray.id],
    );
    expect(unattributed.rows).toEqual([
      { campaign_id: null, status: 'succeeded', received_amount: 1234, flags: ['unattributed'] },
    ]);
    const mismatch = await app.db.query(
      `SELECT amount::int, received_amount::int, flags FROM donations WHERE id = $1`,
      [d.donationId],
    );
    expect(mismatch.rows[0]).toEqual({
      amount: 2000,
      received_amount: 1800,
      flags: ['amount_mismatch'],
    });
    expect((await progress(app, slug)).raised).toBe(1800);
  });

  it('rejects a bad signature, a stale timestamp and a tampered body with 400, storing nothing', async () => {
    const payload = JSON.stringify({
      id: 'evt_forged_1',
      object: 'event',
      type: 'invoice.created',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: 'in_1', object: 'invoice' } },
    });
    const sign = (body: string, secret: string, timestamp?: number) =>
      app.stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
    const post = (body: string, signature?: string) => {
      const req = app.http.post('/v1/stripe/webhook').set('Content-Type', 'application/json');
      return (signature ? req.set('Stripe-Signature', signature) : req).send(body);
    };

    const missing = await post(payload).expect(400);
    expect(missing.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Stripe-Signature header is required',
    });
    await post(payload, sign(payload, 'whsec_wrong')).expect(400);
    await post(
      payload,
      sign(payload, app.webhookSecret, Math.floor(Date.now() / 1000) - 600),
    ).expect(400);
    await post(
      payload.replace('evt_forged_1', 'evt_forged_2'),
      sign(payload, app.webhookSecret),
    ).expect(400);
    await post(payload, 'garbage').expect(400);
    const { rows } = await app.db.query(
      `SELECT count(*)::int AS n FROM stripe_events WHERE id LIKE 'evt_forged%'`,
    );
    expect(rows[0].n).toBe(0);

    const notAnEvent = JSON.stringify({ hello: 'world' });
    const refused = await post(notAnEvent, sign(notAnEvent, app.webhookSecret)).expect(400);
    expect(refused.body.message).toMatch(/^not a Stripe event: missing or malformed id/);

    // A large event (beyond the 100kb limit of forms) is still stored.
    const big = JSON.stringify({
      ...JSON.parse(payload),
      id: 'evt_large_1',
      padding: 'x'.repeat(300_000),
    });
    await post(big, sign(big, app.webhookSecret)).expect(200);
    // Past 2 MB: 413 in the API's one error body, nothing stored.
    const huge = JSON.stringify({
      ...JSON.parse(payload),
      id: 'evt_huge_1',
      padding: 'x'.repeat(2_200_000),
    });
    const tooLarge = await post(huge, sign(huge, app.webhookSecret)).expect(413);
    expect(tooLarge.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(tooLarge.body.requestId).toBe(tooLarge.headers['x-request-id']);
    expect(
      (await app.db.query(`SELECT 1 FROM stripe_events WHERE id = 'evt_huge_1'`)).rowCount,
    ).toBe(0);

    const ok = await post(payload, sign(payload, app.webhookSecret)).expect(200);
    expect(ok.body).toEqual({ received: true, duplicate: false });
    await eventually(async () => {
      const r = await app.db.query(
        `SELECT status, last_error FROM stripe_events WHERE id = 'evt_forged_1'`,
      );
      return r.rows[0]?.status === 'ignored' ? r.rows[0] : undefined;
    });
  });

  it('marks unknown event types ignored; lists failed events to staff and replays them', async () => {
    const customer = await app.stripe.customers.create({ description: 'x' });
    await settled(app);
    const created = (await eventsOf(customer.id)).find((e) => e.type === 'customer.created')!;
    const { rows } = await app.db.query(`SELECT status FROM stripe_events WHERE id = $1`, [
      created.id,
    ]);
    expect(rows[0].status).toBe('ignored');

    await app.db.query(
      `UPDATE stripe_events SET status = 'failed', last_error = 'boom' WHERE id = $1`,
      [created.id],
    );
    const failed = await app.http
      .get('/v1/admin/stripe-events?status=failed')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(200);
    expect(failed.body.data.map((e: { id: string }) => e.id)).toContain(created.id);
    await app.http
      .post(`/v1/admin/stripe-events/${created.id}/replay`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(202);
    await eventually(async () => {
      const r = await app.db.query(`SELECT status FROM stripe_events WHERE id = $1`, [created.id]);
      return r.rows[0].status === 'ignored';
    });
    await app.http
      .post('/v1/admin/stripe-events/evt_nope/replay')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(404);
  });

  it('counts JPY, KWD and USD gifts exact to the minor unit, progress in the goal currency', async () => {
    const { slug } = await createCampaign(app, adminKey, { currencies: ['usd', 'jpy', 'kwd'] });
    const yen = await donate(app, slug, { amount: 500, currency: 'jpy' });
    const dinar = await donate(app, slug, { amount: 1250, currency: 'kwd' });
    const dollars = await paidDonation(app, slug, { amount: 1999, currency: 'usd' });
    await app.standIn.succeedPaymentIntent(yen.paymentIntentId, {
      settlement_currency: 'usd',
      exchange_rate: 0.0067,
    });
    await app.standIn.succeedPaymentIntent(dinar.paymentIntentId, {
      settlement_currency: 'usd',
      exchange_rate: 3.25,
    });
    await settled(app);

    const byCurrency = await app.db.query(
      `SELECT t.currency, t.gross::int FROM campaign_currency_totals t JOIN campaigns c ON c.id = t.campaign_id
        WHERE c.slug = $1 ORDER BY t.currency`,
      [slug],
    );
    expect(byCurrency.rows.filter((r) => r.gross > 0)).toEqual([
      { currency: 'jpy', gross: 500 },
      { currency: 'kwd', gross: 1250 },
      { currency: 'usd', gross: 1999 },
    ]);
    const settledRows = await app.db.query(
      `SELECT currency, settled_amount::int, settled_currency FROM ledger_entries WHERE kind = 'charge' AND donation_id = ANY($1) ORDER BY currency`,
      [[yen.donationId, dinar.donationId, dollars.donationId]],
    );
    // ¥500 at 0.0067 → $3.35; KWD 1.250 at 3.25 → $4.06 (Stripe rounds to the cent).
    expect(settledRows.rows).toEqual([
      { currency: 'jpy', settled_amount: 335, settled_currency: 'usd' },
      { currency: 'kwd', settled_amount: 406, settled_currency: 'usd' },
      { currency: 'usd', settled_amount: 1999, settled_currency: 'usd' },
    ]);
    expect((await progress(app, slug)).raised).toBe(1999 + 335 + 406);
  });

  it('reconcile finds drift made on purpose and --fix repairs it', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await paidDonation(app, slug, { amount: 2500 });
    const ledgerRepo = app.api.get(LedgerRepository);
    expect(await ledgerRepo.reconcile(false)).toEqual([]);
    await app.db.query(
      `UPDATE campaign_progress SET raised = raised + 1 WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = $1)`,
      [slug],
    );
    const drift = await ledgerRepo.reconcile(false);
    expect(drift).toEqual([
      expect.objectContaining({ field: 'raised', stored: 2501, fromLedger: 2500 }),
    ]);
    await ledgerRepo.reconcile(true);
    expect(await ledgerRepo.reconcile(false)).toEqual([]);
    expect((await progress(app, slug)).raised).toBe(2500);
  });

  it('keeps the ledger append-only', async () => {
    await expect(app.db.query(`UPDATE ledger_entries SET amount = 0`)).rejects.toThrow(
      /append-only/,
    );
    await expect(app.db.query(`DELETE FROM ledger_entries`)).rejects.toThrow(/append-only/);
  });
});
