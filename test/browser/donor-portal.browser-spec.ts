// page.evaluate() callbacks run in the page: they use the DOM.
/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, intentOfClientSecret, settled } from '../support/flows';
import {
  launchBrowser,
  screenshots,
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
    app = await startTestApp({ worker: true });
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

  it('signs in from the emailed link, only once the donor confirms', async () => {
    const { page } = browser;
    await page.goto(`${app.url}/donor`);
    await screenshots(page, 'donor-request-link');
    const since = Date.now();
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await waitForText(page.getByRole('status'), /a sign-in link is on its way/);

    const mail = await app.mail.waitFor(
      (m) => m.to.includes(email) && m.receivedAt.getTime() >= since - 1000,
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
    await screenshots(page, 'donor-portal');

    await pledge.getByRole('button', { name: 'Change amount' }).click();
    await pledge.getByLabel('New amount (USD)').fill('15');
    await pledge.getByRole('button', { name: 'Save amount' }).click();
    await waitForText(pledge.getByRole('status'), /you give \$15\.00 every month/);
    await waitForText(pledge.locator('.pledge-amount'), /^\$15\.00$/);
    const subscription = await app.stripe.subscriptions.retrieve(subscriptionId);
    expect(subscription.items.data[0].price.unit_amount).toBe(1500);
    const { rows } = await app.db.query(`SELECT amount::int FROM pledges WHERE id = $1`, [
      pledgeId,
    ]);
    expect(rows[0].amount).toBe(1500);
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

  it('updates the card with the simulated form (no Stripe.js loaded)', async () => {
    const { page } = browser;
    const pledge = page.locator(`#pledge-${pledgeId}`);
    await pledge.getByRole('button', { name: 'Update card' }).click();
    const form = pledge.getByRole('form', {
      name: 'Simulated card (test stand-in — no real card is charged)',
    });
    await form.waitFor();
    await screenshots(page, 'donor-card-simulated');
    await form.getByRole('button', { name: 'Save card' }).click();
    await waitForText(pledge.getByRole('status'), /Card updated \(simulated\)/);
    await settled(app);
    const { rows } = await app.db.query(
      `SELECT status FROM stripe_events WHERE type = 'setup_intent.succeeded'`,
    );
    expect(rows).toEqual([{ status: 'processed' }]);
    expect(browser.external).toEqual([]);
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
    expect(unexpectedProblems(browser.problems)).toEqual([]);
  });
});
