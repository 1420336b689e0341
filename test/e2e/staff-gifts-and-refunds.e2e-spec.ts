import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, ledger, paidDonation, progress, settled } from '../support/flows';

describe('staff: offline gifts and refunds', () => {
  let app: TestApp;
  let adminKey: string;
  let financeKey: string;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    ({ slug } = await createCampaign(app, adminKey, { currencies: ['usd', 'eur'] }));
  });
  afterAll(() => app?.close());

  const offline = (body: Record<string, unknown>, key = adminKey, idem?: string) => {
    const req = app.http.post('/v1/admin/donations').set('Authorization', `Bearer ${key}`);
    return (idem ? req.set('Idempotency-Key', idem) : req).send({
      campaign: slug,
      amount: 20_000,
      currency: 'usd',
      method: 'cheque',
      receivedOn: '2026-11-20',
      reference: 'CHQ-0042',
      donor: { email: 'cheque.writer@example.org', name: 'Cheque Writer' },
      ...body,
    });
  };

  it('records an offline gift: counted, in the ledger, receipted; retried safely; voided by reversal', async () => {
    const before = (await progress(app, slug)).raised;
    const created = await offline({}, adminKey, 'offline-0001').expect(201);
    expect(created.body).toMatchObject({
      kind: 'offline',
      method: 'cheque',
      amount: 20_000,
      status: 'succeeded',
      reference: 'CHQ-0042',
      receivedOn: '2026-11-20',
    });
    const again = await offline({}, adminKey, 'offline-0001').expect(201);
    expect(again.body.id).toBe(created.body.id);
    expect((await progress(app, slug)).raised).toBe(before + 20_000);
    expect((await ledger(app, created.body.id)).map((e) => [e.kind, e.amount])).toEqual([
      ['charge', 20_000],
    ]);
    const mail = await app.mail.waitFor(
      (m) => m.to.includes('cheque.writer@example.org') && /^Your receipt /.test(m.subject),
      15_000,
    );
    expect(mail.attachments).toHaveLength(1);

    await app.http
      .post(`/v1/admin/donations/${created.body.id}/void`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ reason: 'cheque bounced' })
      .expect(201);
    expect((await progress(app, slug)).raised).toBe(before);
    expect((await ledger(app, created.body.id)).map((e) => [e.kind, e.amount])).toEqual([
      ['charge', 20_000],
      ['refund', -20_000],
    ]);
    const receipts = await app.db.query(`SELECT status FROM receipts WHERE donation_id = $1`, [
      created.body.id,
    ]);
    expect(receipts.rows).toEqual([{ status: 'voided' }]);
    const twice = await app.http
      .post(`/v1/admin/donations/${created.body.id}/void`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ reason: 'again' })
      .expect(409);
    expect(twice.body.message).toBe('This gift is already voided');
  });

  it('answers bad offline input with 4xx naming the field; a finance key gets 403', async () => {
    expect((await offline({ method: 'crypto' }).expect(400)).body.message).toMatch(
      /^method must be cheque, bank_transfer or cash/,
    );
    expect((await offline({ receivedOn: 'yesterday' }).expect(400)).body.message).toMatch(
      /^receivedOn must be a date/,
    );
    expect((await offline({ donor: { name: 'No Email' } }).expect(400)).body.message).toMatch(
      /donor\.email must be a valid email/,
    );
    expect((await offline({ currency: 'gbp' }).expect(400)).body.message).toMatch(
      /^currency gbp is not accepted/,
    );
    await offline({ campaign: 'nope' }).expect(404);
    await offline({}, financeKey).expect(403);
  });

  it('refunds through Stripe once even when the request is retried after a timeout; never more than remains', async () => {
    const paid = await paidDonation(app, slug, { amount: 10_000 });
    const refund = (body: Record<string, unknown>, idem?: string, key = financeKey) => {
      const req = app.http
        .post(`/v1/admin/donations/${paid.donationId}/refunds`)
        .set('Authorization', `Bearer ${key}`);
      return (idem ? req.set('Idempotency-Key', idem) : req).send(body);
    };
    const first = await refund({ amount: 3000, reason: 'donor asked' }, 'refund-req-0001').expect(
      201,
    );
    expect(first.body).toMatchObject({
      amount: 3000,
      currency: 'usd',
      stripeRefundId: expect.stringMatching(/^re_/),
    });
    const retried = await refund({ amount: 3000, reason: 'donor asked' }, 'refund-req-0001').expect(
      201,
    );
    expect(retried.body.stripeRefundId).toBe(first.body.stripeRefundId);
    const atStripe = await app.stripe.refunds.list({ payment_intent: paid.paymentIntentId });
    expect(atStripe.data).toHaveLength(1);
    await settled(app);
    expect(
      (await ledger(app, paid.donationId)).filter((e) => e.kind === 'refund').map((e) => e.amount),
    ).toEqual([-3000]);

    const tooMuch = await refund({ amount: 8000, reason: 'too much' }).expect(409);
    expect(tooMuch.body.message).toBe('amount is more than remains to refund: 7000 ($70.00)');
    await refund({ reason: 'the rest' }).expect(201);
    await settled(app);
    const { rows } = await app.db.query(
      `SELECT refunded_amount::int FROM donations WHERE id = $1`,
      [paid.donationId],
    );
    expect(rows[0].refunded_amount).toBe(10_000);
    expect((await refund({ reason: 'again' }).expect(409)).body.message).toBe(
      'Nothing remains to refund: 0',
    );
  });

  it('refuses to refund an offline gift through Stripe, and unknown donations', async () => {
    const gift = await offline({ reference: 'TRF-1', method: 'bank_transfer' }).expect(201);
    const res = await app.http
      .post(`/v1/admin/donations/${gift.body.id}/refunds`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ reason: 'x' })
      .expect(409);
    expect(res.body.message).toMatch(/not paid through Stripe/);
    await app.http
      .post('/v1/admin/donations/00000000-0000-0000-0000-000000000000/refunds')
      .set('Authorization', `Bearer ${adminKey}`)
      .send({ reason: 'x' })
      .expect(404);
    await app.http
      .post(`/v1/admin/donations/${gift.body.id}/refunds`)
      .send({ reason: 'x' })
      .expect(401);
  });
});
