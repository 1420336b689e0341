// page.evaluate() callbacks run in the page: they use the DOM.
/// <reference lib="dom" />
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, progress } from '../support/flows';
import {
  launchBrowser,
  PHONE,
  SCREENSHOTS,
  screenshots,
  TestBrowser,
  unexpectedProblems,
  waitForText,
  campaignSite,
  CampaignSite,
  campaignPage,
} from '../support/browser';

jest.setTimeout(180_000);

/**
 * The embeddable donation form, on a plain HTML page of another origin holding only the
 * one-line script, against the Stripe stand-in (simulated card): a one-off gift with the fees
 * covered, a monthly and a quarterly pledge, the Persian form right to left, a declined card
 * retried.
 */
describe('donation form (/widget/donate.js) on another site, in Chromium', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let site: CampaignSite;
  let siteUrl: string;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    const adminKey = await app.createKey('admin');
    ({ slug } = await createCampaign(app, adminKey, {
      title: 'Release the seven Ashraf hostages',
      goal: { amount: 100_000, currency: 'usd' },
      suggestedAmounts: { usd: [2500, 5000, 10_000] },
    }));

    // The campaign's own site: another origin (localhost, another port), one line each.
    const page = campaignPage;
    const pages: Record<string, string> = {
      '/': page(`<script src="${app.url}/widget/donate.js" data-campaign="${slug}"></script>`),
      '/fa': page(
        `<script src="${app.url}/widget/donate.js" data-campaign="${slug}" data-lang="fa"></script>`,
        'fa',
      ),
      '/missing': page(
        `<script src="${app.url}/widget/donate.js" data-campaign="no-such-campaign"></script>`,
      ),
    };
    site = await campaignSite((url) => pages[url.pathname] ?? null);
    siteUrl = site.url;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await app?.close();
  });

  const FRAME = 'iframe[src*="/donate/"]';
  /** The failed responses the tests provoke on purpose (problems accumulate across tests). */
  const KNOWN_FAILURES = [
    { status: 404, path: '/v1/campaigns/no-such-campaign' },
    { status: 400, path: /^\/v1\/campaigns\/[^/]+\/donations$/ },
    { status: 400, path: /^\/v1\/campaigns\/[^/]+\/quote$/ },
    { status: 402, path: /^\/_stand-in\/payment_intents\/[^/]+\/fail$/ },
  ];

  async function openForm(path = '/'): Promise<FrameLocator> {
    const { page } = browser;
    await page.goto(`${siteUrl}${path}`);
    await page.locator(FRAME).waitFor();
    const form = page.frameLocator(FRAME);
    await form.locator('form.donate-form').waitFor();
    return form;
  }

  /** The frame's content fits a phone's width: no sideways scroll inside it either. */
  async function fitsPhone(page: Page, form: FrameLocator) {
    const size = page.viewportSize();
    await page.setViewportSize(PHONE);
    try {
      await eventually(async () => {
        const overflow = await form.locator('html').evaluate((h) => h.scrollWidth - h.clientWidth);
        return overflow <= 1;
      }, 5_000);
    } finally {
      if (size) await page.setViewportSize(size);
    }
  }

  /** The iframe is as tall as the form inside it (told by postMessage). */
  async function frameFitsContent(page: Page, form: FrameLocator) {
    await eventually(async () => {
      const frame = await page.locator(FRAME).evaluate((f) => f.getBoundingClientRect().height);
      const content = await form
        .locator('#app')
        .evaluate((a) => Math.ceil(a.getBoundingClientRect().height));
      return Math.abs(frame - content) <= 2;
    }, 5_000);
  }

  /**
   * The form is driven by keyboard, as a donor without a mouse would (and because the frame is
   * another site's, out of the page's process, where Playwright's pointer checks stall).
   */
  async function choose(control: Locator) {
    await control.focus();
    await control.press('Space');
    expect(await control.isChecked()).toBe(true);
  }
  async function press(button: Locator) {
    await button.focus();
    await button.press('Enter');
  }

  const moneyText = (minor: number) => `$${(minor / 100).toFixed(2)}`;

  it('takes a one-off gift with the fees covered; Back and a new amount change the same gift; thank-you with receipt and a rising bar', async () => {
    const { page } = browser;
    const before = (await progress(app, slug)).raised;
    const form = await openForm();
    // The fee figure arrives from the quote route (debounced): on screen before the shot.
    await waitForText(form.locator('.cover-fees label'), /^Add \$1\.80 to cover/);
    await frameFitsContent(page, form);
    await screenshots(page, 'donate-form');
    await fitsPhone(page, form);

    // First $25, then back to $50: one donation, changed in place.
    await choose(form.getByRole('radio', { name: '$25.00' }));
    await choose(form.getByRole('checkbox', { name: /to cover the payment fees/ }));
    await form.getByLabel('Email').fill('one.off@example.org');
    await press(form.getByRole('button', { name: 'Continue to payment' }));
    await form.getByRole('heading', { name: 'Payment' }).waitFor();
    const firstId = (
      await app.db.query(
        `SELECT id FROM donations WHERE intended_amount = 2500 AND kind = 'one_off'`,
      )
    ).rows.map((r) => r.id);
    expect(firstId).toHaveLength(1);
    await press(form.getByRole('button', { name: 'Back' }));
    await choose(form.getByRole('radio', { name: '$50.00' }));
    const feeLabel = await waitForText(
      form.locator('label.check', { hasText: 'cover the payment fees' }),
      /^Add \$\d+\.\d\d to cover the payment fees$/,
    );
    const shownExtra = /\$(\d+\.\d\d)/.exec(feeLabel)![1];
    await press(form.getByRole('button', { name: 'Continue to payment' }));
    await waitForText(form.locator('.summary .total'), /Total charged: \$5\d\.\d\d/);

    const rows = (
      await app.db.query(
        `SELECT id, amount::int, intended_amount::int, cover_fees FROM donations WHERE kind = 'one_off'`,
      )
    ).rows;
    expect(rows).toEqual([
      { id: firstId[0], amount: expect.any(Number), intended_amount: 5000, cover_fees: true },
    ]);
    // The extra shown before paying is exactly what is charged on top of the gift.
    expect(`$${shownExtra}`).toBe(moneyText(rows[0].amount - 5000));
    expect(await form.locator('.summary .total').textContent()).toBe(
      `Total charged: ${moneyText(rows[0].amount)}`,
    );

    await press(form.getByRole('button', { name: /^Pay \$/ }));
    await form.getByRole('heading', { name: 'Thank you!' }).waitFor();
    const receipt = await waitForText(form.locator('.receipt-number'), /^\d{4}-\d+$/, 30_000);
    const { rows: issued } = await app.db.query(
      `SELECT number FROM receipts WHERE donation_id = $1 AND status = 'issued'`,
      [firstId[0]],
    );
    expect(receipt).toBe(issued[0].number);
    const after = (await progress(app, slug)).raised;
    expect(after).toBeGreaterThan(before);
    await waitForText(form.locator('.figures'), new RegExp(`^\\${moneyText(after)} raised of`));
    expect(
      Number(await form.getByRole('progressbar').getAttribute('aria-valuenow')),
    ).toBeGreaterThan(0);
    await frameFitsContent(page, form);
    await screenshots(page, 'donate-thank-you');
    expect(unexpectedProblems(browser.problems)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('starts a monthly pledge: its first payment counted, with receipt number, and the bar rises', async () => {
    const { page } = browser;
    const before = (await progress(app, slug)).raised;
    const form = await openForm();
    await choose(form.getByRole('radio', { name: 'Monthly' }));
    await choose(form.getByRole('radio', { name: '$100.00 a month' }));
    // One-off only: a pledge takes no message or tribute.
    expect(await form.getByLabel('Message (optional)').count()).toBe(0);
    await choose(form.getByRole('checkbox', { name: 'Show my gift publicly under a name' }));
    await form.getByLabel('Public name').fill('A friend');
    await form.getByLabel('Email').fill('monthly@example.org');
    await press(form.getByRole('button', { name: 'Continue to payment' }));
    await waitForText(form.locator('.summary'), /\$100\.00 a month/);
    // What is charged says how often, on the total and on the button.
    expect(await form.locator('.summary .total').textContent()).toBe(
      'Total charged: $100.00 a month',
    );
    await press(form.getByRole('button', { name: 'Pay $100.00 a month' }));
    await form.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await waitForText(form.locator('.thanks-status'), /recurring gift has started/, 30_000);
    const receipt = await waitForText(form.locator('.receipt-number'), /^\d{4}-\d+$/, 30_000);
    const { rows } = await app.db.query(
      `SELECT p.status, p.interval, p.display_name, r.number FROM pledges p
         JOIN donations d ON d.pledge_id = p.id JOIN receipts r ON r.donation_id = d.id`,
    );
    expect(rows).toEqual([
      { status: 'active', interval: 'month', display_name: 'A friend', number: receipt },
    ]);
    const after = (await progress(app, slug)).raised;
    expect(after).toBe(before + 10_000);
    await waitForText(form.locator('.figures'), new RegExp(`^\\${moneyText(after)} raised of`));
    await frameFitsContent(page, form);
    expect(unexpectedProblems(browser.problems)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('starts a quarterly pledge, worded "a quarter" up to the Pay button, billed every 3 months', async () => {
    const form = await openForm();
    await choose(form.getByRole('radio', { name: 'Quarterly' }));
    await choose(form.getByRole('radio', { name: '$50.00 a quarter' }));
    await form.getByLabel('Email').fill('quarterly@example.org');
    await press(form.getByRole('button', { name: 'Continue to payment' }));
    await waitForText(form.locator('.summary'), /Your gift: \$50\.00 a quarter/);
    expect(await form.locator('.summary .total').textContent()).toBe(
      'Total charged: $50.00 a quarter',
    );
    await press(form.getByRole('button', { name: 'Pay $50.00 a quarter' }));
    await form.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await waitForText(form.locator('.thanks-status'), /recurring gift has started/, 30_000);
    await waitForText(form.locator('.receipt-number'), /^\d{4}-\d+$/, 30_000);
    const { rows } = await app.db.query(
      `SELECT status, interval, stripe_subscription_id FROM pledges WHERE interval = 'quarter'`,
    );
    expect(rows).toEqual([
      { status: 'active', interval: 'quarter', stripe_subscription_id: expect.any(String) },
    ]);
    const sub = await app.stripe.subscriptions.retrieve(rows[0].stripe_subscription_id);
    expect(sub.items.data[0].price.recurring).toMatchObject({
      interval: 'month',
      interval_count: 3,
    });
    expect(unexpectedProblems(browser.problems)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('renders the Persian form right to left, numbers in Persian', async () => {
    const { page } = browser;
    const form = await openForm('/fa');
    const html = form.locator('html');
    expect(await html.getAttribute('dir')).toBe('rtl');
    expect(await html.getAttribute('lang')).toBe('fa');
    await form.getByRole('button', { name: 'ادامه و پرداخت' }).waitFor();
    // The amount buttons flow from the right: the first (smallest) is the rightmost.
    const boxes = await form
      .locator('.amount-options .option')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((b) => b.left));
    expect(boxes.length).toBe(4);
    expect(boxes[0]).toBeGreaterThan(boxes[1]);
    expect(boxes[1]).toBeGreaterThan(boxes[2]);
    // Intl writes the amounts in Persian digits.
    expect(await form.locator('.amount-options .option').first().textContent()).toMatch(/[۰-۹]/);
    await waitForText(form.locator('.cover-fees label'), /[۰-۹]/);
    await frameFitsContent(page, form);
    await screenshots(page, 'donate-form-fa');
    await fitsPhone(page, form);
    // Paid in Persian: the thank-you writes the receipt number left to right inside the
    // right-to-left sentence (2026-000042, never 000042-2026).
    await form.locator('#email').fill('persian.donor@example.org');
    await press(form.getByRole('button', { name: 'ادامه و پرداخت' }));
    await press(form.locator('.card-form button[type="submit"]'));
    const receipt = await waitForText(form.locator('.receipt-number'), /^\d{4}-\d+$/, 30_000);
    const number = form.locator('.receipt-number');
    expect(await number.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
    const [year, serial] = receipt.split('-');
    // Laid out as written: the year's box is left of the serial's.
    const order = await number.evaluate(
      (el, parts) => {
        const range = document.createRange();
        const text = el.firstChild!;
        const box = (from: number, to: number) => {
          range.setStart(text, from);
          range.setEnd(text, to);
          return range.getBoundingClientRect().left;
        };
        return (
          box(0, parts[0].length) < box(parts[0].length + 1, parts[0].length + 1 + parts[1].length)
        );
      },
      [year, serial],
    );
    expect(order).toBe(true);
    await screenshots(page, 'donate-thank-you-fa');
    expect(unexpectedProblems(browser.problems)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('says when a card is declined, with the field described by the error, and lets the donor retry', async () => {
    const form = await openForm();
    await choose(form.getByRole('radio', { name: '$25.00' }));
    await form.getByLabel('Email').fill('declined.then.paid@example.org');
    await press(form.getByRole('button', { name: 'Continue to payment' }));
    const number = form.getByLabel('Card number');
    await number.fill('4000 0000 0000 0002');
    await press(form.getByRole('button', { name: 'Pay $25.00' }));
    await waitForText(form.locator('#card-error'), /Your card was declined/);
    expect(await number.getAttribute('aria-invalid')).toBe('true');
    expect(await number.getAttribute('aria-describedby')).toContain('card-error');
    await browser.page.screenshot({ path: `${SCREENSHOTS}/donate-declined.png`, fullPage: true });
    await number.fill('4242 4242 4242 4242');
    await press(form.getByRole('button', { name: 'Pay $25.00' }));
    await form.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await waitForText(form.locator('.receipt-number'), /^\d{4}-\d+$/, 30_000);
    expect(
      unexpectedProblems(browser.problems, [
        { status: 402, path: /^\/_stand-in\/payment_intents\/[^/]+\/fail$/ },
      ]),
    ).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('shows field errors (client side and from the API) tied to their fields', async () => {
    const form = await openForm();
    await choose(form.getByRole('radio', { name: 'Other' }));
    await form.getByLabel('Other amount (USD)').fill('abc');
    await press(form.getByRole('button', { name: 'Continue to payment' }));
    await waitForText(form.locator('.form-status'), /correct the fields/);
    const other = form.getByLabel('Other amount (USD)');
    expect(await other.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('#email-error').textContent()).toMatch(/valid email/);
    // Stripe's smallest charge is refused by the API, shown beside the amount.
    await other.fill('0.10');
    await form.getByLabel('Email').fill('small@example.org');
    await press(form.getByRole('button', { name: 'Continue to payment' }));
    await waitForText(form.locator('#amount-other-error'), /amount/);
    expect(
      unexpectedProblems(browser.problems, [
        { status: 400, path: `/v1/campaigns/${slug}/donations` },
        { status: 400, path: `/v1/campaigns/${slug}/quote` },
      ]),
    ).toEqual([]);
  });

  it('says "campaign not found" for an unknown slug', async () => {
    const { page } = browser;
    await page.goto(`${siteUrl}/missing`);
    const form = page.frameLocator(FRAME);
    await form.getByRole('heading', { name: 'Campaign not found' }).waitFor();
    expect(unexpectedProblems(browser.problems, KNOWN_FAILURES)).toEqual([]);
  });

  it('is also a standalone page to link to, in French from ?lang=fr', async () => {
    const { page } = browser;
    await page.goto(`${app.url}/donate/${slug}?lang=fr`);
    await page.getByRole('button', { name: 'Continuer vers le paiement' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
    // Intl's French: "25,00 $US".
    expect(await page.locator('.amount-options .option').first().textContent()).toMatch(
      /^25,00\s\$/,
    );
    await waitForText(page.locator('.cover-fees label'), /^Ajouter 1,80/);
    await screenshots(page, 'donate-form-fr-standalone');
    expect(unexpectedProblems(browser.problems, KNOWN_FAILURES)).toEqual([]);
    expect(browser.external).toEqual([]);
  });

  it('says on the thank-you that the goal is reached and names the next goal (in French)', async () => {
    const { page } = browser;
    const adminKey = await app.createKey('admin');
    const growing = await createCampaign(app, adminKey, {
      title: 'Goals that grow',
      goal: { amount: 5000, currency: 'usd' },
      stretchGoals: [20_000],
      suggestedAmounts: { usd: [5000] },
    });
    await page.goto(`${app.url}/donate/${growing.slug}?lang=fr`);
    await choose(page.getByRole('radio', { name: /^50,00/ }));
    await page.locator('#email').fill('stretch.donor@example.org');
    await press(page.getByRole('button', { name: 'Continuer vers le paiement' }));
    await press(page.locator('.card-form button[type="submit"]'));
    // The gift reaches the goal: once it counts, the thank-you shows the next goal.
    await waitForText(
      page.locator('.next-goal'),
      /^Objectif atteint — prochain objectif : 200,00\s\$US$/,
      30_000,
    );
    expect(await page.locator('.figures').textContent()).toMatch(/collectés sur 200,00\s\$US$/);
    const raised = (await progress(app, growing.slug)).raised;
    expect(raised).toBeGreaterThanOrEqual(5000);
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe(
      String(Math.floor((raised * 1000) / 20_000) / 10),
    );
    await screenshots(page, 'donate-thank-you-next-goal');
    expect(unexpectedProblems(browser.problems, KNOWN_FAILURES)).toEqual([]);
  });

  it('serves the form frameable by any site, uncached, with the loader at /widget/donate.js', async () => {
    const form = await app.http.get(`/donate/${slug}`).expect(200);
    expect(form.headers['x-frame-options']).toBeUndefined();
    expect(form.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(form.headers['content-security-policy']).toContain('https://js.stripe.com');
    expect(form.headers['cache-control']).toBe('no-cache');
    const admin = await app.http.get('/admin').expect(200);
    expect(admin.headers['x-frame-options']).toBe('SAMEORIGIN');
    const loader = await app.http.get('/widget/donate.js').expect(200);
    expect(loader.headers['content-type']).toMatch(/javascript/);
    expect(loader.text).not.toMatch(/\bimport\b/);
  });
});
