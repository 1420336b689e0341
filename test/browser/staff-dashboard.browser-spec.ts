// page.evaluate() callbacks run in the page: they use the DOM.
/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, paidDonation, settled } from '../support/flows';
import {
  launchBrowser,
  screenshots,
  tableCellsPastPhoneEdge,
  TestBrowser,
  unexpectedProblems,
  waitForText,
} from '../support/browser';

jest.setTimeout(180_000);

/** WCAG's contrast ratio of two `rgb(…)` / `rgba(…)` colours (opaque ones). */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('staff dashboard (/admin) in Chromium', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let adminKey: string;
  let financeKey: string;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    adminKey = await app.createKey('admin');
    financeKey = await app.createKey('finance');
    ({ slug } = await createCampaign(app, adminKey, {
      title: 'Release the seven Ashraf hostages',
    }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('refuses a wrong key with a clear message, then signs in by keyboard', async () => {
    const { page } = browser;
    await page.goto(`${app.url}/admin`);
    await page.getByLabel('Staff API key').fill('pbk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(page.getByRole('alert'), /The API key is unknown or revoked/);
    await screenshots(page, 'admin-sign-in-error');

    // Keyboard only: Tab to the key field, type, Tab to the button, Enter.
    await page.reload();
    await page.getByLabel('Staff API key').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('staff-key');
    await page.keyboard.type(adminKey);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign in');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('pledges.staffKey'))).toBe(adminKey);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it('shows the key’s role in the header legibly (AA contrast)', async () => {
    const badge = browser.page.locator('header.top .badge');
    expect(await badge.textContent()).toBe('admin');
    const { color, background } = await badge.evaluate((el) => ({
      color: getComputedStyle(el).color,
      background: getComputedStyle(el).backgroundColor,
    }));
    expect(contrast(color, background)).toBeGreaterThanOrEqual(4.5);
  });

  it('shows a campaign’s progress move after a donation', async () => {
    const { page } = browser;
    const card = page.locator(`article[data-slug="${slug}"]`);
    await waitForText(card.locator('.raised'), /^\$0\.00$/);
    expect(await card.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0');
    // Nothing raised: an empty bar, 0 %, and no made-up plural.
    expect(
      await card.locator('.progress-fill').evaluate((f) => f.getBoundingClientRect().width),
    ).toBe(0);
    expect(await card.locator('.percent').textContent()).toBe('0%');
    expect(await card.locator('.counts').textContent()).toBe('0 donations · 0 donors');

    await paidDonation(app, slug, { amount: 50_000, name: 'Browser Donor' });
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    await waitForText(card.locator('.raised'), /^\$500\.00$/);
    expect(await card.locator('.percent').textContent()).toBe('5%');
    expect(await card.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('5');
    expect(await card.locator('.counts').textContent()).toBe('1 donation · 1 donor');
    // The chart of donations over time (uPlot draws on a canvas).
    await page.locator('#chart .chart canvas').first().waitFor();
    await screenshots(page, 'admin-dashboard');
  });

  it('counts in words that agree with the number, marks private gifts, names campaigns by title', async () => {
    const { page } = browser;
    // A second gift, whose donor asked to be named publicly, and a campaign at 0.4 %.
    await paidDonation(app, slug, { amount: 2_000, name: 'Public Donor', anonymous: false });
    const legal = await createCampaign(app, adminKey, {
      title: 'Legal fund for the seven',
      goal: { amount: 10_000_000, currency: 'usd' },
    });
    await paidDonation(app, legal.slug, { amount: 40_000, name: 'Quiet Donor' });
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    const card = page.locator(`article[data-slug="${slug}"]`);
    await waitForText(card.locator('.counts'), /^2 donations · 2 donors$/);

    // 0.4 % of the goal: said to a tenth, and the bar shows a sliver, not nothing.
    const small = page.locator(`article[data-slug="${legal.slug}"]`);
    await waitForText(small.locator('.percent'), /^0\.4%$/);
    expect(await small.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0.4');
    expect(await small.locator('.counts').textContent()).toBe('1 donation · 1 donor');
    const sliver = await small
      .locator('.progress-fill')
      .evaluate((f) => f.getBoundingClientRect().width);
    expect(sliver).toBeGreaterThanOrEqual(6);
    expect(sliver).toBeLessThan(20);

    // Recent gifts: the campaign's title, and a marker on gifts not to be named publicly.
    const gifts = page.locator('#gifts');
    await gifts.getByRole('button', { name: 'Refresh' }).click();
    const row = (name: string) => gifts.locator('tbody tr', { hasText: name });
    await row('Quiet Donor').waitFor();
    await row('Public Donor').waitFor();
    expect(await row('Browser Donor').locator('td').nth(2).textContent()).toBe(
      'Release the seven Ashraf hostages',
    );
    expect(await row('Quiet Donor').locator('td').nth(2).textContent()).toBe(
      'Legal fund for the seven',
    );
    expect(await gifts.locator('tbody').textContent()).not.toContain(slug);
    for (const name of ['Browser Donor', 'Quiet Donor']) {
      const marker = row(name).locator('.badge.private');
      expect(await marker.textContent()).toMatch(/^Private\b/);
      expect(await marker.textContent()).toContain('asked not to be named publicly');
      expect(await marker.isVisible()).toBe(true);
    }
    expect(await row('Public Donor').locator('.badge.private').count()).toBe(0);
    // The staff API says so too.
    const api = await app.http
      .get('/v1/reports/donations')
      .query({ order: 'desc', limit: 50 })
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(200);
    const charges = api.body.data.filter((e: { kind: string }) => e.kind === 'charge');
    const byName = (n: string) => charges.find((e: { donorName: string }) => e.donorName === n);
    expect(byName('Public Donor')).toMatchObject({
      anonymous: false,
      campaign: slug,
      campaignTitle: 'Release the seven Ashraf hostages',
    });
    expect(byName('Quiet Donor')).toMatchObject({ anonymous: true, campaign: legal.slug });

    // Every section heading is one size, and the header's items share one line.
    const sizes = await page
      .locator('main section.card h2')
      .evaluateAll((hs) => [...new Set(hs.map((h) => getComputedStyle(h).fontSize))]);
    expect(sizes).toHaveLength(1);
    const middle = async (selector: string) => {
      const box = (await page.locator(selector).first().boundingBox())!;
      return box.y + box.height / 2;
    };
    const navLine = await middle('header.top nav a');
    expect(Math.abs((await middle('header.top .badge')) - navLine)).toBeLessThanOrEqual(3);
    expect(Math.abs((await middle('header.top h1')) - navLine)).toBeLessThanOrEqual(3);
    // On a phone each gift and report row is a card: no cell is cut off at the right edge.
    const phone = await tableCellsPastPhoneEdge(page);
    expect(phone.outside).toEqual([]);
    expect(phone.cells).toBeGreaterThanOrEqual(2 * 7 + 9);
    await screenshots(page, 'admin-dashboard-gifts');
  });

  it('shows a campaign’s stretch goals, and the next one once the goal is reached', async () => {
    const { page } = browser;
    const growing = await createCampaign(app, adminKey, {
      title: 'Goals that grow',
      goal: { amount: 10_000, currency: 'usd' },
      stretchGoals: [25_000, 40_000],
      closeAtGoal: true,
    });
    await paidDonation(app, growing.slug, { amount: 10_000 });
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    const card = page.locator(`article[data-slug="${growing.slug}"]`);
    await waitForText(card.locator('.next-goal'), /^Goal reached — next goal \$250\.00$/);
    expect(await card.locator('.goals').textContent()).toBe(
      'Goal $100.00 · stretch goals $250.00, $400.00 · closes at its final goal',
    );
    expect(await card.locator('.percent').textContent()).toBe('40%');
    expect(await card.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('40');
  });

  it('downloads the ledger CSV with the donation in it', async () => {
    const { page } = browser;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const { rows } = await app.db.query(`SELECT id FROM donations WHERE amount = 50000`);
    const line = csv.split('\n').find((l) => l.includes(rows[0].id) && l.includes(',charge,'));
    expect(line).toContain('50000');
    expect(line).toContain(slug);
  });

  it('lists the newest gifts first, however many entries the last 30 days hold', async () => {
    const { page } = browser;
    // 520 older entries (zero fees, two days ago): more than the page reads at once, so
    // reading oldest first would show none of this week's gifts.
    await app.db.query(
      `INSERT INTO ledger_entries (dedupe_key, kind, amount, currency, settled_amount,
                                   settled_currency, occurred_at)
       SELECT 'browser-old-fee:' || n, 'fee', 0, 'usd', 0, 'usd', now() - interval '2 days' - n * interval '1 second'
         FROM generate_series(1, 520) n`,
    );
    const gifts = page.locator('#gifts');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/v1/reports/donations?')),
      gifts.getByRole('button', { name: 'Refresh' }).click(),
    ]);
    await response.finished();
    // The table on screen is the one drawn from this answer (it is there before it, too).
    await new Promise((r) => setTimeout(r, 500));
    const refund = gifts.getByRole('button', { name: /^Refund \$500\.00 from Browser Donor$/ });
    expect(await refund.count()).toBe(1);
  });

  it('shows the answer to the latest request, not a slower earlier one', async () => {
    const { page } = browser;
    const report = page.locator('#report');
    const from = await report.getByLabel('From').inputValue();
    const to = await report.getByLabel('To').inputValue();
    // The report for the current period answers late; the one asked for next answers at once.
    const slowPeriod = (url: string) =>
      url.includes('/v1/reports/campaigns?') && new URL(url).searchParams.get('from') === from;
    await page.route(
      (url) => slowPeriod(url.href),
      async (route) => {
        await new Promise((r) => setTimeout(r, 2_500));
        await route.continue();
      },
    );
    try {
      const slow = page.waitForResponse((r) => slowPeriod(r.url()));
      await report.getByRole('button', { name: 'Show' }).click();
      await report.getByLabel('From').fill('2020-01-01');
      await report.getByLabel('To').fill('2020-01-31');
      const caption = report.locator('caption');
      await waitForText(caption, /^2020-01-01 to 2020-01-31\b/);
      await slow;
      await new Promise((r) => setTimeout(r, 500));
      expect(await caption.textContent()).toMatch(/^2020-01-01 to 2020-01-31\b/);
      expect(await report.getByRole('cell', { name: '$500.00', exact: true }).count()).toBe(0);
    } finally {
      await page.unroute((url) => slowPeriod(url.href));
    }
    // To first: from must never be after to, even for a moment.
    await report.getByLabel('To').fill(to);
    await report.getByLabel('From').fill(from);
    await waitForText(report.locator('caption'), new RegExp(`^${from} to ${to}\\b`));
  });

  it('replays a failed Stripe event and shows that it succeeded', async () => {
    const { page } = browser;
    const { rows } = await app.db.query(
      `SELECT e.id FROM stripe_events e JOIN donations d ON d.stripe_payment_intent_id = e.object_id
        WHERE d.amount = 50000 AND e.type = 'payment_intent.succeeded'`,
    );
    const eventId: string = rows[0].id;
    await app.db.query(
      `UPDATE stripe_events SET status = 'failed', last_error = 'database timeout' WHERE id = $1`,
      [eventId],
    );
    const events = page.locator('#events');
    await events.getByRole('button', { name: 'Refresh' }).click();
    const replay = events.getByRole('button', { name: `Replay ${eventId}` });
    await replay.waitFor();
    // A receipt that could not be sent, listed beside the event (and sent again afterwards).
    const { rows: receipts } = await app.db.query(
      `UPDATE receipts SET send_status = 'failed', last_error = 'SMTP connection refused by mail.example.org'
        WHERE id = (SELECT id FROM receipts ORDER BY issued_at LIMIT 1) RETURNING number`,
    );
    const failedReceipts = page.locator('#receipts');
    await failedReceipts.getByRole('button', { name: 'Refresh' }).click();
    await failedReceipts
      .getByRole('button', { name: `Resend receipt ${receipts[0].number}` })
      .waitFor();
    const phone = await tableCellsPastPhoneEdge(page);
    expect(phone.outside).toEqual([]);
    expect(phone.cells).toBeGreaterThanOrEqual(6 + 5);
    await screenshots(page, 'admin-failed-events');
    await replay.click();
    // The page watches the event for up to a minute ("still processing…" meanwhile).
    await waitForText(
      events.getByRole('status'),
      new RegExp(`Event ${eventId} replayed: processed`),
      65_000,
    );
    const after = await app.db.query(`SELECT status FROM stripe_events WHERE id = $1`, [eventId]);
    expect(after.rows[0].status).toBe('processed');
    await waitForText(events, /No failed events/);
  });

  it('records an offline gift', async () => {
    const { page } = browser;
    const form = page.locator('#offline');
    await form.getByLabel('Amount (USD)').fill('120.50');
    await form.getByLabel('Method').selectOption('bank_transfer');
    await form.getByLabel('Donor email').fill('cheque.giver@example.org');
    await form.getByLabel('Cheque number or transfer reference').fill('TRF-2026-17');
    await form.getByRole('button', { name: 'Record gift' }).click();
    await waitForText(form.getByRole('status'), /Recorded \$120\.50/);
    const { rows } = await app.db.query(
      `SELECT amount::int, method FROM donations WHERE kind = 'offline'`,
    );
    expect(rows).toEqual([{ amount: 12050, method: 'bank_transfer' }]);
  });

  it('opens the queue dashboard through a same-site session cookie, never the key itself', async () => {
    const { page, context } = browser;
    const [problemsBefore, externalBefore] = [browser.problems.length, browser.external.length];
    await page.getByRole('link', { name: 'Queues' }).click();
    await page.waitForURL(/\/admin\/queues/);
    await page.getByText('Pledge queues').first().waitFor();
    const cookies = await context.cookies(`${app.url}/admin/queues`);
    expect(cookies).toEqual([
      expect.objectContaining({
        name: 'queues_session',
        path: '/admin/queues',
        httpOnly: true,
        sameSite: 'Strict',
      }),
    ]);
    expect(cookies[0].value).not.toContain(adminKey);
    // The board's Google Fonts cannot load here (no network): not this test's concern.
    const offline = (p: string) => /fonts\.(googleapis|gstatic)\.com/.test(p);
    const keep = (list: string[], from: number) => {
      const added = list.splice(from).filter((p) => !offline(p));
      list.push(...added);
    };
    keep(browser.problems, problemsBefore);
    keep(browser.external, externalBefore);
    await page.goto(`${app.url}/admin`);
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
  });

  it('offers a finance key only what finance may do, including a confirmed refund', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Staff API key').fill(financeKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Campaign report' }).waitFor();
    for (const hidden of [
      'Failed Stripe events',
      'Receipts that could not be sent',
      'Record an offline gift',
    ])
      expect(await page.getByRole('heading', { name: hidden }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Replay/ }).count()).toBe(0);
    await screenshots(page, 'admin-finance');

    // Refunds are finance's: asked, confirmed in a dialog, done through Stripe.
    await page
      .locator('#gifts')
      .getByRole('button', { name: /^Refund \$500\.00/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Refund this gift?' });
    await dialog.getByLabel('Amount (USD)').fill('100');
    await dialog.getByLabel('Reason (for the books)').fill('Donor asked');
    await screenshots(page, 'admin-refund-dialog');
    await dialog.getByRole('button', { name: 'Refund' }).click();
    await waitForText(page.locator('#gifts').getByRole('status'), /Refund requested/);
    await settled(app);
    await eventually(async () => {
      const { rows } = await app.db.query(
        `SELECT amount::int FROM ledger_entries WHERE kind = 'refund'`,
      );
      return rows.length === 1 && Math.abs(rows[0].amount) === 10_000;
    });
    // The wrong key of the first test is the only failed request.
    expect(unexpectedProblems(browser.problems, [{ status: 401, path: '/v1/admin/me' }])).toEqual(
      [],
    );
    expect(browser.external).toEqual([]);
  });
});
