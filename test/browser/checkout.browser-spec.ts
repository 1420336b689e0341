import { startTestApp, TestApp } from '../support/harness';
import { createCampaign, ledger, progress, settled } from '../support/flows';
import {
  launchBrowser,
  TestBrowser,
  unexpectedProblems,
  waitForText,
  campaignSite,
  CampaignSite,
} from '../support/browser';

jest.setTimeout(120_000);

describe('a Checkout link from a site, paid in Chromium', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let site: CampaignSite;
  let siteUrl: string;
  let slug: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    ({ slug } = await createCampaign(app, await app.createKey('admin')));

    // The campaign's own site: a thank-you page that shows the session id Stripe fills in.
    site = await campaignSite((url) => {
      const session = (url.searchParams.get('session') ?? '').replace(/[^A-Za-z0-9_]/g, '');
      return url.pathname === '/thanks'
        ? `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Thank you</title></head>
             <body><h1>Thank you</h1><p id="session">${session}</p></body></html>`
        : `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Donate</title></head>
             <body><h1>Donate</h1></body></html>`;
    });
    siteUrl = site.url;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await app?.close();
  });

  it('pays on the hosted page, lands on the site’s thank-you page, and the gift counts once', async () => {
    const created = await app.http
      .post(`/v1/campaigns/${slug}/checkout-sessions`)
      .send({
        amount: 3500,
        currency: 'usd',
        email: 'browser.donor@example.org',
        successUrl: `${siteUrl}/thanks?session={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${siteUrl}/donate`,
      })
      .expect(201);
    const { sessionId, url } = created.body;

    const { page } = browser;
    await page.goto(url);
    await waitForText(page.locator('table'), /Total\s*\$35\.00 usd/);
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.waitForURL(`${siteUrl}/thanks?session=${sessionId}`);
    await waitForText(page.locator('#session'), new RegExp(`^${sessionId}$`));

    await settled(app);
    expect(await progress(app, slug)).toMatchObject({ raised: 3500, donationCount: 1 });
    const { rows } = await app.db.query(
      `SELECT id, status FROM donations WHERE checkout_session_id = $1`,
      [sessionId],
    );
    expect(rows).toEqual([{ id: expect.any(String), status: 'succeeded' }]);
    expect((await ledger(app, rows[0].id)).filter((e) => e.kind === 'charge')).toHaveLength(1);

    // Back on the hosted page, the session is over: it cannot be paid twice.
    await page.goto(url);
    await waitForText(page.locator('h1'), /no longer open/);
    expect(unexpectedProblems(browser.problems)).toEqual([]);
    expect(browser.external).toEqual([]);
  });
});
