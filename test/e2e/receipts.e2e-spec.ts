import { binaryBody } from '../support/binary-body';
import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ReceiptsRepository } from '../../src/receipts/receipts.repository';
import { ReceiptsService } from '../../src/receipts/receipts.service';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, donate, paidDonation, settled, signIn } from '../support/flows';
import { pdfText, pdftotext } from '../support/pdf-text';

describe('receipts', () => {
  let app: TestApp;
  let adminKey: string;
  let slug: string;
  const year = new Date().getUTCFullYear();

  beforeAll(async () => {
    app = await startTestApp({
      worker: true,
      env: { ORGANIZATION_NAME: 'Ashraf Campaign', ORGANIZATION_REGISTRATION_NUMBER: 'RN-12345' },
    });
    adminKey = await app.createKey('admin');
    ({ slug } = await createCampaign(app, adminKey, {
      title: 'Release the seven Ashraf hostages',
    }));
  });
  afterAll(() => app?.close());

  const receiptsOf = async (donationId: string) =>
    (
      await app.db.query(
        `SELECT id, number, type, status, amount::int, send_status, replaces_receipt_id FROM receipts WHERE donation_id = $1 ORDER BY issued_at`,
        [donationId],
      )
    ).rows;

  const mailsTo = (email: string, subject: RegExp) =>
    app.mail.messages().filter((m) => m.to.includes(email) && subject.test(m.subject));

  it('sends exactly one email per successful donation, with a PDF showing number, amount and campaign', async () => {
    const email = 'receipt.reader@example.org';
    const paid = await paidDonation(app, slug, {
      amount: 2500,
      email,
      name: 'Receipt Reader',
      tribute: { kind: 'in_memory_of', name: 'Mohammad' },
    });
    const [receipt] = await receiptsOf(paid.donationId);
    expect(receipt.number).toMatch(new RegExp(`^${year}-\\d{6}$`));
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === `Your receipt ${receipt.number}`,
      15_000,
    );
    expect(mail.messageId).toBe(`<receipt-${receipt.id}@localhost>`);
    expect(mail.html).toContain('Thank you for your gift of $25.00');
    const text = await pdfText(mail.attachments[0].content);
    expect(text).toContain(`Receipt ${receipt.number}`);
    expect(text).toContain('Amount: $25.00');
    expect(text).toContain('Campaign: Release the seven Ashraf hostages');
    expect(text).toContain('In memory of Mohammad');
    expect(text).toContain('Registration number: RN-12345');
    expect(text).toContain('No goods or services were provided');
    // Replays of the payment's events issue and send nothing more.
    for (const e of (await app.standIn.events()).filter((e) =>
      JSON.stringify(e).includes(paid.paymentIntentId),
    )) {
      await app.standIn.redeliverEvent(e.id);
    }
    await settled(app);
    await new Promise((r) => setTimeout(r, 500));
    expect(await receiptsOf(paid.donationId)).toHaveLength(1);
    expect(mailsTo(email, /Your receipt/)).toHaveLength(1);
  });

  it('emails a Persian-named donor a laid-out email and a receipt that spells the name', async () => {
    const email = 'maryam.rezaei@example.org';
    const name = 'مریم رضایی';
    const paid = await paidDonation(app, slug, { amount: 4000, email, name });
    const [receipt] = await receiptsOf(paid.donationId);
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === `Your receipt ${receipt.number}`,
      15_000,
    );
    // The HTML part: a whole page with the organisation's name as its header, no empty paragraph.
    const html = mail.html!;
    expect(html).toMatch(/^<!doctype html>\n<html lang="en" dir="ltr">/);
    expect(html).toMatch(/<header[^>]*><span dir="auto">Ashraf Campaign<\/span><\/header>/);
    // The greeting names no one: the name is whatever the request typed (it is on the receipt).
    expect(html).toContain('>Hello,</p>');
    expect(html).not.toContain(name);
    expect(html).toContain(
      'Thank you for your gift of $40.00 to <span dir="auto">Release the seven Ashraf hostages</span>.',
    );
    expect(html).toContain('max-width:600px');
    expect(html).not.toMatch(/<p[^>]*>\s*<\/p>/);
    expect(html).not.toMatch(/<img|<link|url\(|@import/);
    // The text part stays, plain.
    expect(mail.text).toMatch(/^Hello,\n/);
    expect(mail.text).toContain(`Your receipt ${receipt.number} is attached.`);
    expect(mail.text).toContain('— Ashraf Campaign');
    expect(mail.text).not.toContain('<');
    // The attached receipt, read back by poppler, spells the name in its own order.
    const text = await pdftotext(mail.attachments[0].content);
    expect(text).toContain(`Received from: ${name}`);
    expect(text).toContain('Amount: $40.00');
  });

  it('numbers receipts uniquely and without gaps, even with concurrent transactions that roll back', async () => {
    const dataSource = app.api.get<DataSource>(getDataSourceToken());
    const repo = app.api.get(ReceiptsRepository);
    const testYear = 2099;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        dataSource.transaction(async (em) => {
          const number = await repo.nextNumber(em, testYear);
          if (i % 10 === 3) throw new Error('rolled back on purpose');
          return number;
        }),
      ),
    );
    const numbers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(numbers).toHaveLength(45);
    const sequence = numbers.map((n) => Number(n.split('-')[1])).sort((a, b) => a - b);
    expect(sequence).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
  });

  it('gives 20 donations succeeding at once contiguous receipt numbers', async () => {
    const before = await app.db.query(
      `SELECT coalesce(max(last), 0)::int AS last FROM receipt_counters WHERE year = $1`,
      [year],
    );
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => paidDonation(app, slug, { amount: 1000 + i })),
    );
    const { rows } = await app.db.query(
      `SELECT split_part(number, '-', 2)::int AS seq FROM receipts WHERE year = $1 AND split_part(number, '-', 2)::int > $2 ORDER BY 1`,
      [year, before.rows[0].last],
    );
    expect(rows.map((r) => r.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => before.rows[0].last + i + 1),
    );
  });

  it("commits payments while the year's counter is locked, and numbers their receipts after, without a gap even when numbering crashes", async () => {
    const counter = await app.db.connect();
    const owed = async (donationIds: string[]) =>
      (
        await app.db.query(
          `SELECT r.number, d.status FROM receipts r JOIN donations d ON d.id = r.donation_id
            WHERE r.donation_id = ANY($1::uuid[])`,
          [donationIds],
        )
      ).rows;
    let gifts: { donationId: string; email: string }[] = [];
    let before: number;
    try {
      // Another transaction holds the year's counter row, as a numbering batch would.
      await counter.query('BEGIN');
      await counter.query(
        `INSERT INTO receipt_counters (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING`,
        [year],
      );
      before = (
        await counter.query(`SELECT last FROM receipt_counters WHERE year = $1 FOR UPDATE`, [year])
      ).rows[0].last;
      gifts = await Promise.all(
        [1, 2, 3].map(async (i) => {
          const email = `owed.${i}@example.org`;
          const gift = await donate(app, slug, { amount: 3000 + i, email });
          await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
          return { donationId: gift.donationId, email };
        }),
      );
      const ids = gifts.map((g) => g.donationId);
      // The payments commit all the same: each gift succeeded and owes its receipt.
      await eventually(async () => (await owed(ids)).length === 3, 15_000);
      expect(await owed(ids)).toEqual(
        Array.from({ length: 3 }, () => ({ number: null, status: 'succeeded' })),
      );
      // A crash between owing and numbering: the numbering waiting on the counter dies.
      await eventually(async () => {
        // Asked outside the counter's transaction, which would see one snapshot of the activity.
        const { rows } = await app.db.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE '%receipt_counters%'`,
        );
        return rows.length > 0;
      }, 15_000);
    } finally {
      await counter.query('ROLLBACK');
      counter.release();
    }
    // The receipts stay owed until the receipts stage runs (the event's retry, or the sweeper,
    // here also by hand): then they take the next numbers, once each, and are sent.
    await eventually(async () => {
      await app.api.get(ReceiptsService).sweep();
      return (await owed(gifts.map((g) => g.donationId))).every((r) => r.number !== null);
    }, 15_000);
    const numbers = (await owed(gifts.map((g) => g.donationId)))
      .map((r) => Number(r.number.split('-')[1]))
      .sort((a, b) => a - b);
    expect(numbers).toEqual([before + 1, before + 2, before + 3]);
    const { rows } = await app.db.query(`SELECT last FROM receipt_counters WHERE year = $1`, [
      year,
    ]);
    expect(rows[0].last).toBe(before + 3);
    for (const gift of gifts) {
      await app.mail.waitFor(
        (m) => m.to.includes(gift.email) && m.subject.startsWith('Your receipt '),
        15_000,
      );
    }
  });

  it('voids a receipt refunded in full before it was numbered, and names its number in the notice', async () => {
    const email = 'refunded.early@example.org';
    const counter = await app.db.connect();
    let donationId: string;
    try {
      await counter.query('BEGIN');
      await counter.query(
        `INSERT INTO receipt_counters (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING`,
        [year],
      );
      await counter.query(`SELECT last FROM receipt_counters WHERE year = $1 FOR UPDATE`, [year]);
      const gift = await donate(app, slug, { amount: 4200, email });
      donationId = gift.donationId;
      const intent = await app.standIn.succeedPaymentIntent(gift.paymentIntentId);
      await eventually(async () => (await receiptsOf(donationId)).length === 1, 15_000);
      await app.standIn.refundCharge(intent.latest_charge as string);
      // The refund's transaction waits for the counter to number the receipt it voids.
      await eventually(async () => {
        const { rows } = await app.db.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
              AND wait_event_type = 'Lock' AND query LIKE '%receipt_counters.last + 1%'`,
        );
        return rows.length > 0;
      }, 15_000);
    } finally {
      await counter.query('ROLLBACK');
      counter.release();
    }
    await settled(app);
    const [receipt] = await receiptsOf(donationId);
    expect(receipt).toEqual(expect.objectContaining({ status: 'voided', amount: 4200 }));
    expect(receipt.number).toMatch(new RegExp(`^${year}-\\d{6}$`));
    await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === `Receipt ${receipt.number} is void`,
      15_000,
    );
  });

  it('corrects a receipt on a partial refund and voids it on a full one, telling the donor', async () => {
    const email = 'refunded@example.org';
    const paid = await paidDonation(app, slug, { amount: 10_000, email });
    const [original] = await receiptsOf(paid.donationId);
    await app.standIn.refundCharge(paid.chargeId, { amount: 2500 });
    await settled(app);
    const afterPartial = await receiptsOf(paid.donationId);
    expect(afterPartial).toEqual([
      expect.objectContaining({ id: original.id, status: 'replaced', amount: 10_000 }),
      expect.objectContaining({
        type: 'correction',
        status: 'issued',
        amount: 7500,
        replaces_receipt_id: original.id,
      }),
    ]);
    const corrected = await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === `Your receipt ${afterPartial[1].number}`,
      15_000,
    );
    const text = await pdfText(corrected.attachments[0].content);
    expect(text).toContain(`Corrected receipt ${afterPartial[1].number}`);
    expect(text).toContain(`This receipt replaces receipt ${original.number}.`);
    expect(text).toContain('Amount: $75.00');

    await app.standIn.refundCharge(paid.chargeId);
    await settled(app);
    const afterFull = await receiptsOf(paid.donationId);
    expect(afterFull.map((r) => r.status)).toEqual(['replaced', 'voided']);
    await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === `Receipt ${afterPartial[1].number} is void`,
      15_000,
    );
  });

  it('sums the year in a statement, emailed by statements:send and downloadable by the donor', async () => {
    const email = 'yearly@example.org';
    await paidDonation(app, slug, { amount: 5000, email, name: 'Yearly Giver' });
    const refunded = await paidDonation(app, slug, { amount: 3000, email });
    await app.standIn.refundCharge(refunded.chargeId, { amount: 1000 });
    await settled(app);

    expect(await app.api.get(ReceiptsService).sendStatements(year)).toBeGreaterThanOrEqual(1);
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === `Your ${year} giving statement`,
      15_000,
    );
    const text = await pdfText(mail.attachments[0].content);
    expect(text).toContain(`Year-end statement ${year}`);
    expect(text).toContain(`Total ${year}: $70.00`);
    // Sending again sends nothing twice.
    await app.api.get(ReceiptsService).sendStatements(year);
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsTo(email, /giving statement/)).toHaveLength(1);

    const token = await signIn(app, email);
    const pdf = await app.http
      .get(`/v1/donor/statements/${year}`)
      .set('Authorization', `Bearer ${token}`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(await pdfText(pdf.body)).toContain(`Total ${year}: $70.00`);
    await app.http
      .get(`/v1/donor/statements/1999`)
      .set('Authorization', `Bearer ${token}`)
      .expect(400);
    await app.http
      .get(`/v1/donor/statements/2030`)
      .set('Authorization', `Bearer ${token}`)
      .expect(404);

    const list = await app.http
      .get('/v1/donor/receipts')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(list.body.data.length).toBeGreaterThanOrEqual(2);
    const someone = await paidDonation(app, slug, { email: 'someone.else@example.org' });
    const [foreign] = await receiptsOf(someone.donationId);
    await app.http
      .get(`/v1/donor/receipts/${foreign.id}/pdf`)
      .set('Authorization', `Bearer ${token}`)
      .expect(404);
    await app.http
      .get(`/v1/donor/receipts/${list.body.data[0].id}/pdf`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
  });

  it('retries while SMTP refuses for a while; marks failed when it refuses for good; resend works', async () => {
    const email = 'smtp.outage@example.org';
    app.mail.refuse(451);
    const paid = await paidDonation(app, slug, { email });
    const [receipt] = await eventually(async () => {
      const rows = await receiptsOf(paid.donationId);
      const r = (await app.db.query(`SELECT attempts FROM receipts WHERE id = $1`, [rows[0]?.id]))
        .rows[0];
      return r?.attempts >= 1 ? rows : undefined;
    });
    app.mail.refuse(null);
    await app.mail.waitFor(
      (m) => m.to.includes(email) && m.subject === `Your receipt ${receipt.number}`,
      20_000,
    );
    await eventually(async () => (await receiptsOf(paid.donationId))[0].send_status === 'sent');

    app.mail.refuse(550);
    const refused = await paidDonation(app, slug, { email: 'refused@example.org' });
    const failed = await eventually(async () => {
      const rows = await receiptsOf(refused.donationId);
      return rows[0]?.send_status === 'failed' ? rows[0] : undefined;
    });
    const listed = await app.http
      .get('/v1/admin/receipts?status=failed')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(200);
    expect(listed.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: failed.id, lastError: expect.stringMatching(/550/) }),
      ]),
    );
    app.mail.refuse(null);
    await app.http
      .post(`/v1/admin/receipts/${failed.id}/resend`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(202);
    await app.mail.waitFor(
      (m) => m.to.includes('refused@example.org') && m.subject === `Your receipt ${failed.number}`,
      15_000,
    );
    await eventually(async () => (await receiptsOf(refused.donationId))[0].send_status === 'sent');
  });

  it('lets a monthly donor take only the year-end statement', async () => {
    const email = 'statement.only@example.org';
    await paidDonation(app, slug, { email });
    const token = await signIn(app, email);
    await app.http
      .patch('/v1/donor/preferences')
      .set('Authorization', `Bearer ${token}`)
      .send({ installmentReceipts: 'year_end' })
      .expect(200, { installmentReceipts: 'year_end' });
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', email })
      .expect(201);
    await app.standIn.succeedPaymentIntent(created.body.clientSecret.split('_secret_')[0]);
    await settled(app);
    const { rows } = await app.db.query(
      `SELECT r.send_status FROM receipts r JOIN donations d ON d.id = r.donation_id WHERE d.pledge_id = $1`,
      [created.body.pledgeId],
    );
    expect(rows).toEqual([{ send_status: 'suppressed' }]);
  });
});
