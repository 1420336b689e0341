import { binaryBody } from '../support/binary-body';
import { startTestApp, TestApp } from '../support/harness';
import {
  createCampaign,
  donate,
  intentOfClientSecret,
  paidDonation,
  settled,
  signIn,
} from '../support/flows';
import { pdfText } from '../support/pdf-text';

/**
 * A gift's public name, receipt name and address belong to that gift, as sent with it: no
 * later request (least of all an unpaid one by someone who knows the email) changes them, and a
 * gift is named in public only when its donor asked.
 */
describe('gift identity and private-by-default supporters', () => {
  let app: TestApp;
  let adminKey: string;
  const year = new Date().getUTCFullYear();
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
  const ISO_DATE = /\d{4}-\d{2}-\d{2}/;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
  });
  afterAll(() => app?.close());

  const supporters = async (slug: string, query = '') =>
    (await app.http.get(`/v1/campaigns/${slug}${query}`).expect(200)).body.recentSupporters as {
      data: { displayName: string; anonymous: boolean; at: string; amount?: number }[];
      nextCursor: string | null;
    };

  /** The receipt email of a donation (the first one issued for it), with its PDF's text. */
  const receiptMail = async (donationId: string, since = 0) => {
    const { rows } = await app.db.query(
      `SELECT id, number FROM receipts WHERE donation_id = $1 ORDER BY issued_at LIMIT 1`,
      [donationId],
    );
    const mail = await app.mail.waitFor(
      (m) => m.subject === `Your receipt ${rows[0].number}` && m.receivedAt.getTime() >= since,
      15_000,
    );
    return {
      receiptId: rows[0].id as string,
      text: mail.text ?? '',
      pdf: await pdfText(mail.attachments[0].content),
    };
  };

  const pdfOf = async (token: string, path: string) => {
    const res = await app.http
      .get(path)
      .set('Authorization', `Bearer ${token}`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    return pdfText(res.body);
  };

  const victimAddress = {
    line1: '12 Quiet Lane',
    city: 'Lyon',
    postalCode: '69001',
    country: 'FR',
  };
  const attackerAddress = {
    line1: '666 Intruder Road',
    city: 'Elsewhere',
    postalCode: '99999',
    country: 'US',
  };

  it('an unpaid request with a victim’s email changes nothing of their earlier gift, receipt or donor row', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = 'victim.one@example.org';
    const earlier = await paidDonation(app, slug, {
      amount: 2000,
      email,
      name: 'Jane Victim',
      displayName: 'J.',
      address: victimAddress,
    });
    const earlierReceipt = await receiptMail(earlier.donationId);
    expect(earlierReceipt.text).not.toContain('Jane Victim');
    expect(earlierReceipt.pdf).toContain('Received from: Jane Victim');
    expect(earlierReceipt.pdf).toContain('12 Quiet Lane');

    // Anyone who knows the email: no payment, another name, another address, asking to be public.
    const attack = await app.http
      .post(`/v1/campaigns/${slug}/donations`)
      .send({
        amount: 500,
        currency: 'usd',
        email: ' Victim.One@Example.org ',
        name: 'Mallory Attacker',
        displayName: 'Mallory',
        anonymous: false,
        address: attackerAddress,
      })
      .expect(201);

    const listed = await supporters(slug);
    expect(listed.data).toEqual([
      {
        displayName: 'J.',
        anonymous: false,
        message: null,
        amount: 2000,
        currency: 'usd',
        at: expect.any(String),
      },
    ]);
    // The donor row holds the email only; the attacker's gift holds what the attacker sent.
    const donors = await app.db.query(`SELECT name, address FROM donors WHERE email = $1`, [email]);
    expect(donors.rows).toEqual([{ name: null, address: null }]);
    const gifts = await app.db.query(
      `SELECT id, donor_name, display_name, anonymous, donor_address->>'line1' AS line1
         FROM donations WHERE donor_id = (SELECT id FROM donors WHERE email = $1) ORDER BY created_at`,
      [email],
    );
    expect(gifts.rows).toEqual([
      {
        id: earlier.donationId,
        donor_name: 'Jane Victim',
        display_name: 'J.',
        anonymous: false,
        line1: '12 Quiet Lane',
      },
      {
        id: attack.body.donationId,
        donor_name: 'Mallory Attacker',
        display_name: 'Mallory',
        anonymous: false,
        line1: '666 Intruder Road',
      },
    ]);

    // The victim's next gift, sent with their own details, is receipted with them.
    const since = Date.now();
    const next = await paidDonation(app, slug, {
      amount: 3000,
      email,
      name: 'Jane Victim',
      address: { ...victimAddress, line1: '14 Quiet Lane' },
    });
    const nextReceipt = await receiptMail(next.donationId, since - 1000);
    expect(nextReceipt.pdf).toContain('Received from: Jane Victim');
    expect(nextReceipt.pdf).toContain('14 Quiet Lane');
    expect(nextReceipt.pdf + nextReceipt.text).not.toMatch(/Mallory|Intruder/);

    // The earlier receipt, sent again and downloaded, is what it was.
    const resendSince = Date.now();
    await app.http
      .post(`/v1/admin/receipts/${earlierReceipt.receiptId}/resend`)
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(202);
    const resent = await receiptMail(earlier.donationId, resendSince - 100);
    expect(resent.pdf).toContain('Received from: Jane Victim');
    expect(resent.pdf).toContain('12 Quiet Lane');
    expect(resent.text).toBe(earlierReceipt.text);
    expect(resent.pdf + resent.text).not.toMatch(/Mallory|Intruder/);

    const token = await signIn(app, email);
    const signInMail = app.mail.messages().filter((m) => /sign-in#token=/.test(m.text ?? ''));
    expect(signInMail.at(-1)!.text).toMatch(/^Hello,/);
    const downloaded = await pdfOf(token, `/v1/donor/receipts/${earlierReceipt.receiptId}/pdf`);
    expect(downloaded).toContain('Received from: Jane Victim');
    expect(downloaded).toContain('12 Quiet Lane');
    // The year-end statement: the name of the latest named (paid) gift of the year.
    const statement = await pdfOf(token, `/v1/donor/statements/${year}`);
    expect(statement).toContain('For: Jane Victim');
    expect(statement).not.toContain('Mallory');

    // Finance's entries (the dashboard's recent gifts) name each gift by its own receipt name.
    const entries = await app.http
      .get('/v1/reports/donations?order=desc&limit=50')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(200);
    const named = (entries.body.data as { donationId: string; donorName: string | null }[])
      .filter((e) => [earlier.donationId, next.donationId].includes(e.donationId))
      .map((e) => e.donorName);
    // (each gift has several entries: its charge, Stripe's fee …)
    expect(named.length).toBeGreaterThanOrEqual(2);
    expect([...new Set(named)]).toEqual(['Jane Victim']);
  });

  it('a donor public as “J.” who later gives anonymously under their legal name: the legal name is published nowhere', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = 'j.dot@example.org';
    await paidDonation(app, slug, { amount: 1000, email, name: 'J.', anonymous: false });
    await paidDonation(app, slug, {
      amount: 2000,
      email,
      name: 'Jana Legalname',
      anonymous: true,
      address: victimAddress,
    });
    // anonymous: true wins over a displayName sent with it.
    await paidDonation(app, slug, {
      amount: 3000,
      email,
      name: 'Jana Legalname',
      displayName: 'Jana L.',
      anonymous: true,
    });

    const listed = await supporters(slug);
    expect(listed.data.map((s) => [s.amount, s.displayName, s.anonymous])).toEqual([
      [3000, 'Anonymous', true],
      [2000, 'Anonymous', true],
      [1000, 'J.', false],
    ]);
    const everything = JSON.stringify([
      (await app.http.get(`/v1/campaigns/${slug}`)).body,
      (await app.http.get(`/v1/campaigns/${slug}?supportersLimit=1`)).body,
      (await app.http.get('/v1/campaigns')).body,
    ]);
    expect(everything).not.toMatch(/Legalname|Jana|Quiet Lane|example\.org/);
  });

  it('a gift sent with a name but neither anonymous nor displayName is Anonymous in public', async () => {
    const { slug } = await createCampaign(app, adminKey);
    await paidDonation(app, slug, { amount: 1500, name: 'Quiet Giver' });
    await paidDonation(app, slug, { amount: 1600, name: 'Open Giver', anonymous: false });
    await paidDonation(app, slug, { amount: 1700, displayName: '  Friend of the seven  ' });
    await paidDonation(app, slug, { amount: 1800, anonymous: false });
    const listed = await supporters(slug);
    expect(listed.data.map((s) => [s.amount, s.displayName, s.anonymous])).toEqual([
      [1800, 'Anonymous', true],
      [1700, 'Friend of the seven', false],
      [1600, 'Open Giver', false],
      [1500, 'Anonymous', true],
    ]);
    expect(JSON.stringify(listed)).not.toContain('Quiet Giver');
  });

  it('refuses a bad displayName with a 400 naming it', async () => {
    const { slug } = await createCampaign(app, adminKey);
    for (const displayName of ['   ', 'x'.repeat(81), 42]) {
      for (const path of ['donations', 'pledges']) {
        const res = await app.http
          .post(`/v1/campaigns/${slug}/${path}`)
          .send({
            amount: 1000,
            currency: 'usd',
            ...(path === 'pledges' ? { interval: 'month' } : {}),
            email: 'bad.name@example.org',
            displayName,
          })
          .expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, requestId: expect.any(String) });
        expect(res.body.message).toMatch(/^displayName must be/);
      }
    }
  });

  it('shows public gifts by day, not time, behind an opaque cursor that refuses tampering', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const before = new Date().toISOString().slice(0, 10);
    const paid = [];
    for (const amount of [1000, 2000, 3000])
      paid.push(await paidDonation(app, slug, { amount, displayName: `Giver ${amount}` }));
    const after = new Date().toISOString().slice(0, 10);

    const first = await supporters(slug, '?supportersLimit=2');
    for (const s of first.data) {
      expect(s.at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect([before, after]).toContain(s.at);
    }
    expect(first.data.map((s) => s.displayName)).toEqual(['Giver 3000', 'Giver 2000']);

    const cursor = first.nextCursor!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const decoded of [
      cursor,
      Buffer.from(cursor, 'base64url').toString('latin1'),
      Buffer.from(cursor, 'base64').toString('latin1'),
    ]) {
      expect(decoded).not.toMatch(UUID);
      expect(decoded).not.toMatch(ISO_DATE);
      for (const p of paid) expect(decoded).not.toContain(p.donationId.slice(0, 8));
    }

    const second = await supporters(slug, `?supportersLimit=2&supportersCursor=${cursor}`);
    expect(second).toEqual({
      data: [expect.objectContaining({ displayName: 'Giver 1000' })],
      nextCursor: null,
    });

    const middle = Math.floor(cursor.length / 2);
    const tampered =
      cursor.slice(0, middle) + (cursor[middle] === 'A' ? 'B' : 'A') + cursor.slice(middle + 1);
    // A cursor in the old, readable form (time|time|id) is refused as well.
    const { rows } = await app.db.query(
      `SELECT succeeded_at, created_at FROM donations WHERE id = $1`,
      [paid[1].donationId],
    );
    const readable = Buffer.from(
      `${rows[0].succeeded_at.toISOString()}|${rows[0].created_at.toISOString()}|${paid[1].donationId}`,
    ).toString('base64url');
    for (const bad of [tampered, readable, cursor.slice(0, -3)]) {
      const res = await app.http
        .get(`/v1/campaigns/${slug}?supportersLimit=2&supportersCursor=${bad}`)
        .expect(400);
      expect(res.body.message).toMatch(/supportersCursor/);
    }
  });

  it('a staff offline gift keeps its own receipt name and address, is private, and leaves the donor and earlier gifts alone', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = 'cheque.giver@example.org';
    await paidDonation(app, slug, { amount: 1000, email, name: 'C.', anonymous: false });
    const recorded = await app.http
      .post('/v1/admin/donations')
      .set('Authorization', `Bearer ${adminKey}`)
      .send({
        campaign: slug,
        amount: 5000,
        currency: 'usd',
        method: 'cheque',
        receivedOn: new Date().toISOString().slice(0, 10),
        reference: 'CHQ-7',
        donor: { email, name: 'Carla Chequewriter', address: victimAddress },
      })
      .expect(201);
    const receipt = await receiptMail(recorded.body.id);
    expect(receipt.pdf).toContain('Received from: Carla Chequewriter');
    expect(receipt.pdf).toContain('12 Quiet Lane');

    const listed = await supporters(slug);
    // (ordered by when the money arrived: the cheque counts from noon on the day received)
    expect(listed.data.map((s) => [s.amount, s.displayName]).sort()).toEqual([
      [1000, 'C.'],
      [5000, 'Anonymous'],
    ]);
    expect(JSON.stringify(listed)).not.toContain('Chequewriter');
    const donors = await app.db.query(`SELECT name, address FROM donors WHERE email = $1`, [email]);
    expect(donors.rows).toEqual([{ name: null, address: null }]);
  });

  it('an installment of a pledge carries the pledge’s names on its receipt and in public', async () => {
    const { slug } = await createCampaign(app, adminKey);
    const email = 'pat.pledger@example.org';
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({
        amount: 1000,
        currency: 'usd',
        interval: 'month',
        email,
        name: 'Pat Pledger',
        displayName: 'P.',
        address: victimAddress,
      })
      .expect(201);
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);

    // Someone else, with Pat's email, starts (and never pays) a gift under another name.
    await donate(app, slug, { email, name: 'Mallory Attacker', address: attackerAddress });

    const since = Date.now();
    await app.standIn.renewSubscription(created.body.subscriptionId, { outcome: 'succeed' });
    await settled(app);
    const { rows } = await app.db.query(
      `SELECT id, donor_name, display_name, anonymous FROM donations
        WHERE pledge_id = $1 AND kind = 'installment' ORDER BY created_at`,
      [created.body.pledgeId],
    );
    expect(rows).toHaveLength(2);
    for (const r of rows)
      expect(r).toMatchObject({ donor_name: 'Pat Pledger', display_name: 'P.', anonymous: false });
    const renewal = await receiptMail(rows[1].id, since - 1000);
    expect(renewal.pdf).toContain('Received from: Pat Pledger');
    expect(renewal.pdf).toContain('12 Quiet Lane');
    expect(renewal.pdf).toContain('Recurring gift:');
    expect(renewal.pdf + renewal.text).not.toMatch(/Mallory|Intruder/);

    const listed = await supporters(slug);
    expect(listed.data.map((s) => s.displayName)).toEqual(['P.', 'P.']);
  });
});
