// page.evaluate() callbacks run in the page: they use the DOM.
/// <reference lib="dom" />
import { eventually, startTestApp, TestApp } from '../support/harness';
import { createCampaign, intentOfClientSecret, settled } from '../support/flows';
import { Page } from 'playwright-core';
import {
  launchBrowser,
  screenshots,
  TestBrowser,
  unexpectedProblems,
  waitForText,
} from '../support/browser';

jest.setTimeout(240_000);

/**
 * A campaign closes (issue #19): its pledge donors see, in their portal, what happened and
 * their two choices (continue the same gift to the successor, or stop now); an admin closes a
 * campaign from the dashboard, with a successor and a message.
 */
describe('closing a campaign, in the donor portal and the dashboard (Chromium)', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let adminKey: string;
  let closing: { slug: string };
  let successor: { slug: string };
  let noSuccessor: { slug: string };
  const amira = 'amira.portal-closing@example.org';
  const babak = 'babak.portal-closing@example.org';
  const pledges: Record<'amira' | 'babak' | 'babakOther', string> = {
    amira: '',
    babak: '',
    babakOther: '',
  };
  // Persian and English: the page must not reorder it (dir="auto").
  const message = 'The seven are free. Thank you for standing with them. هفت نفر آزاد شدند.';

  /** A pledge whose first payment is made: active. */
  const activePledge = async (slug: string, email: string, amount = 1000) => {
    const created = await app.http
      .post(`/v1/campaigns/${slug}/pledges`)
      .send({ amount, currency: 'usd', interval: 'month', email })
      .expect(201);
    await app.standIn.succeedPaymentIntent(intentOfClientSecret(created.body.clientSecret));
    await settled(app);
    return created.body.pledgeId as string;
  };

  const pledgeRow = async (id: string) =>
    (
      await app.db.query(
        `SELECT p.status, c.slug AS campaign, p.ends_at FROM pledges p
           JOIN campaigns c ON c.id = p.campaign_id WHERE p.id = $1`,
        [id],
      )
    ).rows[0] as { status: string; campaign: string; ends_at: Date | null };

  beforeAll(async () => {
    app = await startTestApp({ worker: true, env: { ORGANIZATION_NAME: 'Friends of Ashraf' } });
    adminKey = await app.createKey('admin');
    closing = await createCampaign(app, adminKey, { title: 'Free the seven' });
    successor = await createCampaign(app, adminKey, { title: 'Protect Camp Ashraf' });
    noSuccessor = await createCampaign(app, adminKey, { title: 'Winter appeal' });
    pledges.amira = await activePledge(closing.slug, amira);
    pledges.babak = await activePledge(closing.slug, babak, 2500);
    pledges.babakOther = await activePledge(noSuccessor.slug, babak, 700);
    for (const [slug, body] of [
      [closing.slug, { successor: successor.slug, message }],
      [noSuccessor.slug, {}],
    ] as const)
      await app.http
        .post(`/v1/admin/campaigns/${slug}/close`)
        .set('Authorization', `Bearer ${adminKey}`)
        .send(body)
        .expect(200);
    // The closing job tells Stripe to end each at its period's end: the pledges get their endsAt.
    for (const id of Object.values(pledges))
      await eventually(async () => ((await pledgeRow(id)).ends_at ? true : null), 30_000);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Signs the donor in on this tab, as they would: a link by email, opened and confirmed. */
  const signIn = async (page: Page, email: string) => {
    const earlier = new Set(app.mail.messages().map((m) => m.id));
    await page.goto(`${app.url}/donor`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await waitForText(page.getByRole('status'), /a sign-in link is on its way/);
    const mail = await app.mail.waitFor(
      (m) =>
        m.to.includes(email) && !earlier.has(m.id) && /\/donor\/sign-in#token=/.test(m.text ?? ''),
      15_000,
    );
    const link = new URL(/https?:\/\/\S+\/donor\/sign-in#token=[\w-]+/.exec(mail.text ?? '')![0]);
    await page.goto(`${app.url}${link.pathname}${link.hash}`);
    await page.getByRole('button', { name: 'Confirm sign-in' }).click();
    await page.getByRole('heading', { name: 'Your pledges' }).waitFor();
  };

  it('shows a donor the closing, and Continue moves the gift to the successor', async () => {
    const { page } = browser;
    await signIn(page, amira);
    const pledge = page.locator(`#pledge-${pledges.amira}`);
    const panel = pledge.getByRole('region', { name: 'This campaign has closed' });
    await waitForText(panel, /Free the seven closed on /);
    // Staff's words as text, in their own direction.
    const said = panel.locator('.closing-message');
    expect(await said.textContent()).toBe(message);
    expect(await said.getAttribute('dir')).toBe('auto');
    const { ends_at } = await pledgeRow(pledges.amira);
    const endsOn = await page.evaluate(
      (iso) =>
        new Date(iso).toLocaleDateString(undefined, {
          year: 'numeric',
          month: 'short',
          day: 'numeric',
        }),
      ends_at!.toISOString(),
    );
    expect(await panel.textContent()).toContain(
      `This gift will not be charged again; it ends on ${endsOn}.`,
    );
    const proceed = panel.getByRole('button', { name: 'Continue to Protect Camp Ashraf' });
    // It says what continuing keeps.
    expect(await proceed.getAttribute('aria-describedby')).toBeTruthy();
    expect(await panel.textContent()).toContain('keeps the same card and the same amount');
    // What the API refuses on a closed campaign is not offered: no amount change, no pause,
    // and the panel's Stop now is the cancel.
    for (const refused of ['Change amount', 'Pause', 'Cancel pledge'])
      expect(await pledge.getByRole('button', { name: refused, exact: true }).count()).toBe(0);
    await screenshots(page, 'donor-pledge-campaign-closed');

    // Keyboard: from the ends-on line, Tab reaches Continue; Enter moves the gift.
    await panel.locator('.closing-ends').click();
    await page.keyboard.press('Tab');
    expect(await proceed.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await waitForText(
      pledge.getByRole('status'),
      /^Your \$10\.00 gift every month now goes to Protect Camp Ashraf, on the same card, from your next payment\.$/,
    );
    await waitForText(pledge.getByRole('heading', { level: 3 }), /^Protect Camp Ashraf$/);
    expect(await pledge.locator('.closing').count()).toBe(0);
    // Focus stays on the pledge (its button is gone).
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Protect Camp Ashraf',
    );
    // Renewing again, under the successor: amount and pause are offered again.
    await pledge.getByRole('button', { name: 'Change amount' }).waitFor();
    await pledge.getByRole('button', { name: 'Pause' }).waitFor();
    expect(await pledge.textContent()).toContain('next payment');
    expect(await pledge.locator('.pledge-ends').count()).toBe(0);
    const row = await pledgeRow(pledges.amira);
    expect(row).toMatchObject({ campaign: successor.slug, status: 'active', ends_at: null });
    await screenshots(page, 'donor-pledge-moved');
  });

  it('another donor stops the gift, confirmed in a dialog; a campaign without successor offers only Stop', async () => {
    const page = await browser.context.newPage();
    try {
      await signIn(page, babak);
      // Closed without a successor: the ends-on line and Stop now, nothing to continue to.
      const other = page.locator(`#pledge-${pledges.babakOther}`);
      const otherPanel = other.getByRole('region', { name: 'This campaign has closed' });
      await waitForText(otherPanel, /This gift will not be charged again; it ends on /);
      expect(await otherPanel.getByRole('button', { name: /^Continue/ }).count()).toBe(0);
      await otherPanel.getByRole('button', { name: 'Stop now' }).waitFor();
      expect(await otherPanel.locator('.closing-message').count()).toBe(0);

      const pledge = page.locator(`#pledge-${pledges.babak}`);
      const panel = pledge.getByRole('region', { name: 'This campaign has closed' });
      const stop = panel.getByRole('button', { name: 'Stop now' });
      await stop.click();
      const dialog = page.getByRole('dialog', { name: 'Stop your gift to Free the seven now?' });
      await dialog.waitFor();
      await waitForText(dialog, /will not continue to Protect Camp Ashraf/);
      await screenshots(page, 'donor-closing-stop-dialog');
      // Escape: nothing happens.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect((await pledgeRow(pledges.babak)).status).toBe('active');

      await stop.click();
      await dialog.getByRole('button', { name: 'Stop now' }).click();
      await waitForText(pledge.getByRole('status'), /^Your gift is stopped/);
      await waitForText(pledge.locator('.badge'), /^Canceled$/);
      expect(await pledge.locator('.closing').count()).toBe(0);
      expect((await pledgeRow(pledges.babak)).status).toBe('canceled');
      // The other pledge still waits for its donor's choice.
      await otherPanel.getByRole('button', { name: 'Stop now' }).waitFor();
      await screenshots(page, 'donor-closing-stopped');
      expect(unexpectedProblems(browser.problems)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('an admin closes a campaign from the dashboard, with a successor and a message', async () => {
    const { page } = browser;
    const legal = await createCampaign(app, adminKey, { title: 'Legal fund for the seven' });
    const gone = await createCampaign(app, adminKey, { title: 'Campaign closed meanwhile' });
    const carol = 'carol.dashboard-closing@example.org';
    const carolPledge = await activePledge(legal.slug, carol);

    await page.goto(`${app.url}/admin`);
    await page.getByLabel('Staff API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    const card = page.locator(`article[data-slug="${legal.slug}"]`);
    // Closed campaigns are listed with their badge and no Close button.
    const closedCard = page.locator(`article[data-slug="${closing.slug}"]`);
    await waitForText(closedCard.locator('.badge'), /^closed$/);
    expect(await closedCard.getByRole('button', { name: /^Close campaign/ }).count()).toBe(0);

    const opener = card.getByRole('button', { name: 'Close campaign…' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Close this campaign?' });
    await dialog.waitFor();
    // Labelled fields, and what closing does, said before it is done.
    const select = dialog.getByLabel('Successor campaign (optional)');
    const options = await select.locator('option').allTextContents();
    expect(options[0]).toBe('None');
    expect(options).toEqual(
      expect.arrayContaining(['Protect Camp Ashraf', 'Campaign closed meanwhile']),
    );
    // Only other active campaigns: not itself, not a closed one.
    expect(options).not.toContain('Legal fund for the seven');
    expect(options).not.toContain('Free the seven');
    await waitForText(
      dialog.locator('.close-effect'),
      /^Gifts stop now\. Each donor with a pledge/,
    );
    expect(await dialog.locator('.close-effect').textContent()).toContain(
      'otherwise each pledge ends at the end of its paid period',
    );
    // Escape closes it, nothing done, focus back on the opener.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await opener.evaluate((b) => b === document.activeElement)).toBe(true);

    // The chosen successor closes meanwhile: the API's refusal is said beside the field.
    await opener.click();
    await select.selectOption({ label: 'Campaign closed meanwhile' });
    await waitForText(
      dialog.locator('.close-effect'),
      /may continue the same gift to Campaign closed meanwhile, or stop it/,
    );
    await dialog.getByLabel('Message to pledge donors (optional)').fill(message);
    await app.http
      .post(`/v1/admin/campaigns/${gone.slug}/close`)
      .set('Authorization', `Bearer ${adminKey}`)
      .send({})
      .expect(200);
    await dialog.getByRole('button', { name: 'Close campaign' }).click();
    await waitForText(dialog.locator('#close-successor-error'), /is closed/);
    expect(await select.getAttribute('aria-invalid')).toBe('true');
    expect(await select.getAttribute('aria-describedby')).toContain('close-successor-error');
    expect((await app.http.get(`/v1/campaigns/${legal.slug}`).expect(200)).body.status).toBe(
      'active',
    );
    await screenshots(page, 'admin-close-campaign-refused');

    await select.selectOption({ label: 'Protect Camp Ashraf' });
    await screenshots(page, 'admin-close-campaign-dialog');
    await dialog.getByRole('button', { name: 'Close campaign' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(
      page.locator('#campaigns').getByRole('status'),
      /^“Legal fund for the seven” is closed: it takes no more gifts\. 1 pledge was running on it; 1 donor is emailed\.$/,
    );
    await waitForText(card.locator('.badge'), /^closed$/);
    expect(await card.getByRole('button', { name: /^Close campaign/ }).count()).toBe(0);
    const { rows } = await app.db.query(
      `SELECT c.status, c.close_message, s.slug AS successor FROM campaigns c
         LEFT JOIN campaigns s ON s.id = c.successor_campaign_id WHERE c.slug = $1`,
      [legal.slug],
    );
    expect(rows[0]).toEqual({
      status: 'closed',
      close_message: message,
      successor: successor.slug,
    });
    // The donor is told, with the message.
    const mail = await app.mail.waitFor(
      (m) => m.to.includes(carol) && /has closed/.test(m.subject),
    );
    expect(mail.text).toContain('هفت نفر آزاد شدند');
    expect((await pledgeRow(carolPledge)).status).toBe('active');
    await screenshots(page, 'admin-campaign-closed');

    // The report shows what the closed campaign's pledges did, and the successor's moved-in.
    const report = page.locator('#report');
    await report.getByLabel('Campaign').selectOption({ label: 'Free the seven' });
    await waitForText(
      report.locator('.pledge-closing'),
      /^At closing \(.+\): 1 moved, 1 stopped, 0 ended, 0 awaiting$/,
    );
    await report.getByLabel('Campaign').selectOption({ label: 'Protect Camp Ashraf' });
    await waitForText(report.locator('.moved-in'), /^1 moved in$/);

    // Closing is an admin's: a finance key sees the cards without the button.
    const financeKey = await app.createKey('finance');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Staff API key').fill(financeKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`article[data-slug="${successor.slug}"]`).waitFor();
    expect(await page.getByRole('button', { name: /^Close campaign/ }).count()).toBe(0);

    expect(
      unexpectedProblems(browser.problems, [
        { status: 400, path: `/v1/admin/campaigns/${legal.slug}/close` },
      ]),
    ).toEqual([]);
    expect(browser.external).toEqual([]);
  });
});
