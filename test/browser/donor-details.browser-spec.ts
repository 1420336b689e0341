// page.evaluate() callbacks run in the page: they use the DOM.
/// <reference lib="dom" />
import { createCampaign, intentOfClientSecret, settled } from '../support/flows';
import { startTestApp, TestApp } from '../support/harness';
import {
  launchBrowser,
  screenshots,
  TestBrowser,
  unexpectedProblems,
  waitForText,
} from '../support/browser';

jest.setTimeout(180_000);

describe('donor portal: your details (/donor) in Chromium', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let pledgeId: string;
  const email = 'details.supporter@example.org';
  const newEmail = 'details.moved@example.net';

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    const adminKey = await app.createKey('admin');
    const { slug } = await createCampaign(app, adminKey);
    const res = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount: 1000, currency: 'usd', interval: 'month', email, name: 'Given Name' })
      .expect(201);
    pledgeId = res.body.pledgeId;
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(res.body.clientSecret));
    await settled(app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The text of the newest mail to `to` matching `link`, sent after `earlier`. */
  const linkIn = async (to: string, link: RegExp, earlier: Set<string>) => {
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(to) && !earlier.has(m.id) && link.test(m.text ?? ''),
      15_000,
    );
    return new URL(link.exec(mail.text ?? '')![0]);
  };

  it('changes the name and address for receipts, with labelled fields', async () => {
    const { page } = browser;
    const earlier = new Set(app.mail.messages().map((m) => m.id));
    await page.goto(`${app.url}/donor`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    const signIn = await linkIn(email, /https?:\/\/\S+\/donor\/sign-in#token=[\w-]+/, earlier);
    await page.goto(`${app.url}${signIn.pathname}${signIn.hash}`);
    await page.getByRole('button', { name: 'Confirm sign-in' }).click();

    const section = page.getByRole('region', { name: 'Your details' });
    await section.waitFor();
    await page.getByRole('link', { name: 'Your details' }).click();
    await waitForText(section.locator('.current-email'), /^details\.supporter@example\.org$/);
    await section.getByLabel('Name', { exact: true }).fill('Chosen Name');
    await section.getByLabel('Street address').fill('5 Chosen Street');
    await section.getByLabel('City').fill('Geneva');
    await section.getByLabel('Postal code').fill('1201');
    await section.getByLabel('Country').selectOption('CH');
    // The keyboard reaches the button and presses it.
    await section.getByLabel('Postal code').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitForText(section.getByRole('status'), /^Saved\./);
    await screenshots(page, 'donor-your-details');
    const { rows } = await app.db.query(
      `SELECT d.name, d.address->>'country' AS country, p.donor_name, p.donor_address->>'line1' AS line1
         FROM donors d JOIN pledges p ON p.donor_id = d.id WHERE p.id = $1`,
      [pledgeId],
    );
    expect(rows).toEqual([
      { name: 'Chosen Name', country: 'CH', donor_name: 'Chosen Name', line1: '5 Chosen Street' },
    ]);
  });

  it('changes the email once the link mailed to the new address is confirmed', async () => {
    const { page } = browser;
    const section = page.getByRole('region', { name: 'Your details' });
    const earlier = new Set(app.mail.messages().map((m) => m.id));
    await section.getByRole('button', { name: 'Change email' }).click();
    await section.getByLabel('New email address').fill(newEmail);
    await section.getByRole('button', { name: 'Send confirmation link' }).click();
    await waitForText(
      section.locator('.alert-success').last(),
      /Until you follow the link, we keep using/,
    );
    await waitForText(
      section.locator('.alert-info'),
      new RegExp(
        `A link to confirm ${newEmail} was sent there. Your email changes when you follow it`,
      ),
    );
    // Nothing changed yet.
    const donor = async () =>
      (
        await app.db.query(
          `SELECT email FROM donors d JOIN pledges p ON p.donor_id = d.id WHERE p.id = $1`,
          [pledgeId],
        )
      ).rows[0].email;
    expect(await donor()).toBe(email);

    const link = await linkIn(newEmail, /https?:\/\/\S+\/donor\/email#token=[\w-]+/, earlier);
    // Another tab, as the mail app would open it.
    const tab = await browser.context.newPage();
    try {
      await tab.goto(`${app.url}${link.pathname}${link.hash}`);
      const button = tab.getByRole('button', { name: 'Confirm new email address' });
      await button.waitFor();
      // Opening the link changed nothing, and the token left the address bar.
      expect(await donor()).toBe(email);
      expect(tab.url()).toBe(`${app.url}/donor/email`);
      await screenshots(tab, 'donor-confirm-email');
      await button.click();
      await waitForText(
        tab.getByRole('status'),
        new RegExp(`Your email address is now ${newEmail}`),
      );
      expect(await donor()).toBe(newEmail);
      await tab.getByRole('link', { name: 'Sign in' }).waitFor();
    } finally {
      await tab.close();
    }
    // The old address is told.
    await app.mail.waitFor((m) => m.to.includes(email) && /was changed/.test(m.subject), 15_000);
  });

  it('says so when the link is wrong', async () => {
    const tab = await browser.context.newPage();
    try {
      await tab.goto(`${app.url}/donor/email#token=${'x'.repeat(43)}`);
      await tab.getByRole('button', { name: 'Confirm new email address' }).click();
      await waitForText(tab.getByRole('alert'), /^The email change link is invalid/);
      await tab.getByRole('link', { name: 'Go to your gifts' }).waitFor();
    } finally {
      await tab.close();
    }
  });

  it('caused no errors but the failed requests the tests provoked', () => {
    expect(
      unexpectedProblems(browser.problems, [
        { status: 400, path: '/v1/donor/email-changes/confirm' },
      ]),
    ).toEqual([]);
  });
});
