// page.evaluate() callbacks run in the page: they use the DOM.
/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, intentOfClientSecret, settled } from '../support/flows';
import { Page } from 'playwright-core';
import {
  DESKTOP,
  launchBrowser,
  PHONE,
  screenshots,
  tableCellsPastPhoneEdge,
  TestBrowser,
  unexpectedProblems,
  waitForText,
} from '../support/browser';

jest.setTimeout(180_000);

describe('donor portal (/donor) in Chromium', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let pledgeId: string;
  let subscriptionId: string;
  const email = 'monthly.supporter@example.org';

  beforeAll(async () => {
    app = await startTestApp({
      worker: true,
      env: { ORGANIZATION_NAME: 'Friends of Camp Ashraf' },
    });
    const adminKey = await app.createKey('admin');
    const { slug } = await createCampaign(app, adminKey, {
      title: 'Protect the remaining residents of Camp Ashraf',
    });
    const res = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', email, name: 'Monthly Supporter' })
      .expect(201);
    ({ pledgeId, subscriptionId } = res.body);
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(res.body.clientSecret));
    await settled(app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const sessions = async () =>
    (await app.db.query(`SELECT count(*)::int AS n FROM donor_sessions`)).rows[0].n as number;

  /** Signs the donor in on this tab, as they would: a link by email, opened and confirmed. */
  const signIn = async (page: Page) => {
    // Only a link sent for this request works (a newer link voids the older ones).
    const earlier = new Set(app.mail.messages().map((m) => m.id));
    await page.goto(`${app.url}/donor`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await waitForText(page.getByRole('status'), /a sign-in link is on its way/);
    const mail = await app.mail.waitFor(
      (m) =>
        m.to.includes(email) &&
        !earlier.has(m.id) &&
        // Not the pledge's own emails, which the worker may still be sending.
        /\/donor\/sign-in#token=/.test(m.text ?? ''),
      15_000,
    );
    const link = new URL(/https?:\/\/\S+\/donor\/sign-in#token=[\w-]+/.exec(mail.text ?? '')![0]);
    await page.goto(`${app.url}${link.pathname}${link.hash}`);
    await page.getByRole('button', { name: 'Confirm sign-in' }).click();
    await page.getByRole('heading', { name: 'Your pledges' }).waitFor();
  };
  /** The access token the tab holds (sessionStorage, as the portal keeps it). */
  const tokenOf = (page: Page) =>
    page.evaluate(
      () =>
        (
          JSON.parse(sessionStorage.getItem('pledges.donorSession') ?? 'null') as {
            accessToken: string;
          } | null
        )?.accessToken ?? null,
    );
  /** What the API answers to a donor call with this token. */
  const exportStatus = async (token: string) =>
    (await app.http.get('/v1/donor/export').set('Authorization', `Bearer ${token}`)).status;

  it('signs in from the emailed link, only once the donor confirms', async () => {
    const { page } = browser;
    await page.goto(`${app.url}/donor`);
    await screenshots(page, 'donor-request-link');
    // Only a link sent for this request works (a newer link voids the older ones).
    const earlier = new Set(app.mail.messages().map((m) => m.id));
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await waitForText(page.getByRole('status'), /a sign-in link is on its way/);

    const mail = await app.mail.waitFor(
      (m) =>
        m.to.includes(email) &&
        !earlier.has(m.id) &&
        (m.text ?? '').includes('/donor/sign-in#token='),
      15_000,
    );
    const link = new URL(/https?:\/\/\S+\/donor\/sign-in#token=[\w-]+/.exec(mail.text ?? '')![0]);
    // The mail links to PUBLIC_BASE_URL; this test's API listens elsewhere.
    await page.goto(`${app.url}${link.pathname}${link.hash}`);
    await page.getByRole('button', { name: 'Confirm sign-in' }).waitFor();
    // Opening the link (as a mail scanner would) signed no one in, and the token left the URL.
    expect(await sessions()).toBe(0);
    expect(page.url()).toBe(`${app.url}/donor/sign-in`);
    await screenshots(page, 'donor-confirm-sign-in');
    await page.getByRole('button', { name: 'Confirm sign-in' }).click();
    await page.getByRole('heading', { name: 'Your pledges' }).waitFor();
    expect(await sessions()).toBe(1);
    expect(page.url()).toBe(`${app.url}/donor`);
  });

  it('shows the pledge and changes its amount at Stripe', async () => {
    const { page } = browser;
    const pledge = page.locator(`#pledge-${pledgeId}`);
    await waitForText(pledge.locator('.pledge-amount'), /^\$10\.00$/);
    await page
      .getByRole('cell', { name: /^\d{4}-\d{6}$/ })
      .first()
      .waitFor();
    // Whose portal this is: the organisation's name (ORGANIZATION_NAME, via /v1/config).
    await waitForText(
      page.getByRole('heading', { level: 1 }),
      /^Your gifts to Friends of Camp Ashraf$/,
    );
    expect(await page.title()).toBe('Your gifts to Friends of Camp Ashraf');
    // The year and its button sit on one line: the same bottom edge, the same height.
    const year = (await page.getByLabel('Year', { exact: true }).boundingBox())!;
    const button = (await page
      .getByRole('button', { name: 'Download statement (PDF)' })
      .boundingBox())!;
    expect(Math.abs(year.y + year.height - (button.y + button.height))).toBeLessThanOrEqual(1);
    expect(Math.abs(year.height - button.height)).toBeLessThanOrEqual(1);
    // On a phone each gift and receipt is a card: no cell (nor Download PDF) is cut off.
    await page.locator('#gifts td').first().waitFor();
    const phone = await tableCellsPastPhoneEdge(page);
    expect(phone.outside).toEqual([]);
    // Your gifts (5 columns) and Receipts (5) hold a row each at least.
    expect(phone.cells).toBeGreaterThanOrEqual(10);
    // Still a table to a screen reader on a phone: its header row is hidden from sight only.
    await page.setViewportSize(PHONE);
    const receiptsTable = page.locator('#receipts').getByRole('table');
    expect(await receiptsTable.getByRole('columnheader', { name: 'Status' }).count()).toBe(1);
    expect(
      await receiptsTable.getByRole('row').nth(1).getByRole('cell', { name: 'issued' }).count(),
    ).toBe(1);
    expect(await receiptsTable.locator('thead').isVisible()).toBe(true);
    expect((await receiptsTable.locator('thead').boundingBox())!.height).toBeLessThanOrEqual(1);
    await page.setViewportSize(DESKTOP);
    await screenshots(page, 'donor-portal');

    await pledge.getByRole('button', { name: 'Change amount' }).click();
    // A decimal comma, as donors in much of Europe write it: 15.50, not 1550.
    await pledge.getByLabel('New amount (USD)').fill('15,50');
    await pledge.getByRole('button', { name: 'Save amount' }).click();
    await waitForText(pledge.getByRole('status'), /you give \$15\.50 every month/);
    await waitForText(pledge.locator('.pledge-amount'), /^\$15\.50$/);
    const subscription = await app.stripe.subscriptions.retrieve(subscriptionId);
    expect(subscription.items.data[0].price.unit_amount).toBe(1550);
    const { rows } = await app.db.query(`SELECT amount::int FROM pledges WHERE id = $1`, [
      pledgeId,
    ]);
    expect(rows[0].amount).toBe(1550);
  });

  it('says why an amount is refused: a thousands separator here, the minimum at the API', async () => {
    const { page } = browser;
    const pledge = page.locator(`#pledge-${pledgeId}`);
    await pledge.getByRole('button', { name: 'Change amount' }).click();
    const amount = pledge.getByLabel('New amount (USD)');
    await amount.fill('1,250.00');
    await pledge.getByRole('button', { name: 'Save amount' }).click();
    await waitForText(
      pledge.getByRole('alert'),
      /^New amount: "1,250\.00" has a thousands separator/,
    );
    await amount.fill('0.10');
    await pledge.getByRole('button', { name: 'Save amount' }).click();
    await waitForText(pledge.getByRole('alert'), /^amount must be at least 50 \(\$0\.50\)/);
    await screenshots(page, 'donor-amount-error');
    // Nothing changed, at Stripe or here.
    await waitForText(pledge.locator('.pledge-amount'), /^\$15\.50$/);
    const subscription = await app.stripe.subscriptions.retrieve(subscriptionId);
    expect(subscription.items.data[0].price.unit_amount).toBe(1550);
    await pledge.getByRole('button', { name: 'Change amount' }).click();
  });

  it('downloads a receipt and a year-end statement as PDFs', async () => {
    const { page } = browser;
    const [receipt] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('button', { name: /^Download receipt .* \(PDF\)$/ })
        .first()
        .click(),
    ]);
    expect(receipt.suggestedFilename()).toMatch(/^receipt-\d{4}-\d{6}\.pdf$/);
    expect(
      readFileSync((await receipt.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    const [statement] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download statement (PDF)' }).click(),
    ]);
    expect(statement.suggestedFilename()).toMatch(/^statement-\d{4}\.pdf$/);
    expect(
      readFileSync((await statement.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('downloads everything held about the donor as a JSON file, the gift in it', async () => {
    const { page } = browser;
    const section = page.locator('#your-data');
    await section.getByRole('heading', { name: 'Your data' }).waitFor();
    const requests: string[] = [];
    const onRequest = (r: { url(): string }) => requests.push(r.url());
    page.on('request', onRequest);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      section.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    page.off('request', onRequest);
    expect(file.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
    await waitForText(section.getByRole('status'), /^Your data is saved as my-data-.*\.json\.$/);
    const data = JSON.parse(readFileSync((await file.path())!, 'utf8'));
    const { rows } = await app.db.query(
      `SELECT id FROM donations WHERE pledge_id = $1 AND status = 'succeeded'`,
      [pledgeId],
    );
    expect(rows).toHaveLength(1);
    expect(data.profile.email).toBe(email);
    expect(data.donations).toEqual([
      expect.objectContaining({
        id: rows[0].id,
        amount: 1000,
        currency: 'usd',
        status: 'succeeded',
        pledgeId,
      }),
    ]);
    expect(data.pledges).toEqual([expect.objectContaining({ id: pledgeId })]);
    // Nothing of it in an address: one API call, the file comes from the page's memory.
    expect(requests.filter((u) => !u.startsWith('blob:'))).toEqual([`${app.url}/v1/donor/export`]);
    expect(page.url()).toBe(`${app.url}/donor`);
    await section.scrollIntoViewIfNeeded();
    await screenshots(page, 'donor-your-data');
  });

  it('updates the card with the simulated form (no Stripe.js loaded)', async () => {
    const { page } = browser;
    const pledge = page.locator(`#pledge-${pledgeId}`);
    await pledge.getByRole('button', { name: 'Update card' }).click();
    const form = pledge.getByRole('form', {
      name: 'Simulated card (test stand-in — no real card is charged)',
    });
    await form.waitFor();
    await screenshots(page, 'donor-card-simulated');
    const defaults = async () => {
      const subscription = await app.stripe.subscriptions.retrieve(subscriptionId);
      const customer = await app.stripe.customers.retrieve(subscription.customer as string);
      if (customer.deleted) throw new Error('the pledge’s customer is deleted');
      return {
        subscription: subscription.default_payment_method as string | null,
        customer: customer.invoice_settings.default_payment_method as string | null,
      };
    };
    const before = await defaults();
    await form.getByRole('button', { name: 'Save card' }).click();
    await waitForText(pledge.getByRole('status'), /Card updated \(simulated\)/);
    await settled(app);
    const { rows } = await app.db.query(
      `SELECT object_id, status FROM stripe_events WHERE type = 'setup_intent.succeeded'`,
    );
    expect(rows).toEqual([{ object_id: expect.stringMatching(/^seti_/), status: 'processed' }]);
    // The card the donor saved is now the one the pledge is charged with, at Stripe: on the
    // pledge's subscription only, never the customer's default (which anything else billed to
    // that customer would use).
    const saved = (await app.stripe.setupIntents.retrieve(rows[0].object_id)).payment_method;
    expect(saved).toMatch(/^pm_/);
    expect(saved).not.toBe(before.subscription);
    // Only the pledge's subscription: no customer-wide default another request could reuse.
    expect(await defaults()).toEqual({ subscription: saved, customer: before.customer });
    expect(browser.external).toEqual([]);
  });

  it('with Stripe itself but no publishable key, says card updates are unavailable (no simulation)', async () => {
    const { page } = browser;
    const config = `${app.url}/v1/config`;
    // What /v1/config answers with STRIPE_API_URL at Stripe and no STRIPE_PUBLISHABLE_KEY.
    await page.route(config, (route) =>
      route.fulfill({ json: { stripePublishableKey: null, simulated: false } }),
    );
    const setupRequests: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (r.url().endsWith('/payment-method')) setupRequests.push(r.url());
    };
    page.on('request', onRequest);
    try {
      await page.reload();
      const pledge = page.locator(`#pledge-${pledgeId}`);
      await pledge.getByRole('button', { name: 'Update card' }).click();
      await waitForText(
        pledge.getByRole('alert'),
        /^Card updates are not available: the site has no Stripe publishable key/,
      );
      expect(await pledge.locator('form.simulated').count()).toBe(0);
      expect(setupRequests).toEqual([]);
      await pledge.getByRole('button', { name: 'Close' }).click();
    } finally {
      page.off('request', onRequest);
      await page.unroute(config);
    }
    await page.reload();
    await page.locator(`#pledge-${pledgeId}`).waitFor();
  });

  it('back from a Stripe redirect: shows the outcome and takes Stripe’s query off the URL', async () => {
    const { page } = browser;
    const pledgeUrl = `${app.url}/donor/pledges/${pledgeId}`;
    const stripeQuery = (status: string) =>
      `?setup_intent=seti_123&setup_intent_client_secret=seti_123_secret_abc&redirect_status=${status}`;
    await page.goto(pledgeUrl + stripeQuery('succeeded'));
    await waitForText(
      page.locator('#pledges').getByRole('status'),
      /^Card updated\. It will be used for your next payment\.$/,
    );
    expect(page.url()).toBe(pledgeUrl);
    await page.goto(pledgeUrl + stripeQuery('requires_payment_method'));
    await waitForText(page.locator('#pledges').getByRole('alert'), /^Your card could not be saved/);
    expect(page.url()).toBe(pledgeUrl);
    // The secret is not left in history either (replaced, not pushed).
    await page.goBack();
    expect(page.url()).not.toContain('secret');
  });

  it('signs out everywhere: every session of the donor stops working', async () => {
    const { page } = browser;
    // A second device, signed in on its own.
    const other = await browser.context.newPage();
    try {
      await signIn(other);
      const here = (await tokenOf(page))!;
      const there = (await tokenOf(other))!;
      expect(here).not.toBe(there);
      expect(await exportStatus(here)).toBe(200);
      expect(await exportStatus(there)).toBe(200);

      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await waitForText(page.getByRole('status'), /^You are signed out on every device/);
      // The notice is read next: focus is on the sign-in heading just above it.
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign in');
      await screenshots(page, 'donor-signed-out-everywhere');
      expect(await tokenOf(page)).toBeNull();
      expect(await exportStatus(here)).toBe(401);
      expect(await exportStatus(there)).toBe(401);
      const live = await app.db.query(
        `SELECT count(*)::int AS n FROM donor_sessions WHERE revoked_at IS NULL`,
      );
      expect(live.rows[0].n).toBe(0);
      // The other device finds itself signed out at its next request.
      await other.reload();
      await other.getByRole('heading', { name: 'Sign in' }).waitFor();
      await waitForText(other.getByRole('status'), /^Your sign-in has ended/);
    } finally {
      await other.close();
    }
    await signIn(page);
  });

  it('refuses to erase while a pledge can still charge, naming it', async () => {
    const { page } = browser;
    const section = page.locator('#your-data');
    const opener = section.getByRole('button', { name: 'Erase my data…' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Erase your personal data?' });
    await dialog.waitFor();
    // Plain words on what goes and what stays.
    await waitForText(
      dialog,
      /We keep, for the books: the amount, date and campaign of each gift, receipt numbers/,
    );
    await waitForText(dialog, /must be cancelled first/);
    // What cannot be undone opens on Cancel: Enter alone erases nothing.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await screenshots(page, 'donor-erase-dialog');
    // Escape closes it and nothing happens; focus returns to the button that opened it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await opener.evaluate((b) => b === document.activeElement)).toBe(true);

    await opener.click();
    await dialog.getByRole('button', { name: 'Erase my data' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const alert = section.getByRole('alert');
    await waitForText(
      alert,
      new RegExp(`^You have pledges that can still charge: cancel them first \\(${pledgeId}\\)`),
    );
    // …and by the name the donor knows it by, linked to it.
    const link = alert.getByRole('link', {
      name: /^Protect the remaining residents of Camp Ashraf: \$15\.50 every month/,
    });
    expect(await link.getAttribute('href')).toBe(`#pledge-${pledgeId}`);
    await screenshots(page, 'donor-erase-refused');
    const { rows } = await app.db.query(`SELECT email, erased_at FROM donors`);
    expect(rows).toEqual([{ email, erased_at: null }]);
  });

  it('pauses, resumes and cancels with a confirmation', async () => {
    const { page } = browser;
    const pledge = page.locator(`#pledge-${pledgeId}`);
    await pledge.getByRole('button', { name: 'Pause' }).click();
    await pledge.getByRole('button', { name: 'Pause pledge' }).click();
    await waitForText(pledge.getByRole('status'), /Paused until you resume it/);
    await pledge.getByRole('button', { name: 'Resume' }).click();
    await waitForText(pledge.getByRole('status'), /active again/);
    await pledge.getByRole('button', { name: 'Cancel pledge' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel pledge' }).click();
    await waitForText(pledge.getByRole('status'), /Your pledge is canceled/);
    const { rows } = await app.db.query(`SELECT status FROM pledges WHERE id = $1`, [pledgeId]);
    expect(rows[0].status).toBe('canceled');
  });

  it('erases once the pledge is cancelled: signed out, the old session fails, the money kept', async () => {
    const { page } = browser;
    const token = (await tokenOf(page))!;
    const section = page.locator('#your-data');
    await section.getByRole('button', { name: 'Erase my data…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase your personal data?' });
    await dialog.getByRole('button', { name: 'Erase my data' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await waitForText(
      page.getByRole('status'),
      /^Your personal data is erased and you are signed out/,
    );
    await screenshots(page, 'donor-erased');
    expect(await tokenOf(page)).toBeNull();
    expect(await exportStatus(token)).toBe(401);
    const donors = await app.db.query(`SELECT email, erased_at FROM donors`);
    expect(donors.rows).toEqual([{ email: null, erased_at: expect.any(Date) }]);
    // The gift's money stays for the books, without the name given with it.
    const gifts = await app.db.query(
      `SELECT amount::int, status, donor_name FROM donations WHERE pledge_id = $1`,
      [pledgeId],
    );
    expect(gifts.rows).toEqual([{ amount: 1000, status: 'succeeded', donor_name: null }]);
  });

  it('refuses a sign-in link that is wrong, saying so and offering a new one', async () => {
    // A tab of its own: no donor session in it.
    const page = await browser.context.newPage();
    try {
      await page.goto(`${app.url}/donor/sign-in#token=${'x'.repeat(43)}`);
      await page.getByRole('button', { name: 'Confirm sign-in' }).click();
      await waitForText(page.getByRole('alert'), /^The sign-in link is invalid, used or expired/);
      await page.getByRole('link', { name: 'Ask for a new sign-in link' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Your pledges' }).count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('caused no errors but the failed requests the tests provoked', () => {
    expect(
      unexpectedProblems(browser.problems, [
        { status: 400, path: `/v1/donor/pledges/${pledgeId}` },
        { status: 401, path: '/v1/donor/sessions/verify' },
        // The refused erasure (a pledge still active), and the other device after signing out.
        { status: 409, path: '/v1/donor/erasure' },
        { status: 401, path: /^\/v1\/donor\/(pledges|donations|receipts|signatures|profile)$/ },
      ]),
    ).toEqual([]);
  });
});
